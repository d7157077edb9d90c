import { AGENT_ID_PATTERN, TRANSFER_REASONS } from '@lib/policy-domain';
import { DateField, EnumField, TextField } from '../../common/dto/fields';
import { CODE_MESSAGE, CODE_PATTERN } from '../shared/policy-values.dto';

export class TransferPolicyDto {
  @TextField(32, { pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE })
  toBranchCode!: string;

  @TextField(64)
  toRegion!: string;

  @DateField()
  effectiveDate!: string;

  @EnumField(TRANSFER_REASONS)
  reason!: (typeof TRANSFER_REASONS)[number];

  @TextField(32, {
    optional: true,
    pattern: AGENT_ID_PATTERN,
    patternMessage: `$property must match ${AGENT_ID_PATTERN.source}`,
  })
  toAgentId?: string;
}
