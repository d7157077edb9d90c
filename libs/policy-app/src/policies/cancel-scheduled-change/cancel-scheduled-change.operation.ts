import { EndorsementNoPipe } from '../../common/id-params';
import { POLICY_ID, type PolicyOperation } from '../../operations/operation';
import { CancelScheduledChangeDto } from './cancel-scheduled-change.dto';

export const cancelScheduledChange: PolicyOperation<
  'CancelScheduledChange',
  CancelScheduledChangeDto,
  'policyId' | 'endorsementNo'
> = {
  name: 'CancelScheduledChange',
  target: 'policy',
  access: { name: 'policy:cancel-scheduled-change', roles: ['clerk'] },
  summary:
    'CancelScheduledChange (clerk): withdraws a premium-affecting endorsement scheduled after today (422 ' +
    'NO_SCHEDULED_CHANGE otherwise; SCHEDULED_CHANGE_PREPAID once an installment due from its date is paid)',
  events: 'ScheduledChangeCancelled',
  dto: CancelScheduledChangeDto,
  example: {},
  rest: {
    path: ':id/contract-changes/:endorsementNo/cancellation',
    ids: {
      policyId: POLICY_ID,
      endorsementNo: {
        pipe: EndorsementNoPipe,
        description: 'Endorsement number {policyId}-E{n} (see scheduledChanges)',
      },
    },
    emptyBody: 'No fields: omit the body or send {}',
  },
  targetId: ({ ids }) => ids.policyId,
  command: ({ ids, env }) => ({
    type: 'CancelScheduledChange',
    data: { endorsementNo: ids.endorsementNo },
    context: { today: env.today },
  }),
};
