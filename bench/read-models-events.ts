/**
 * Synthetic policy histories for the read-model benchmark, produced by the domain's own deciders (so every event is
 * one `decide` would really record): issue, pre-due reminders, payments, some lapses and transfers. The events are
 * interleaved in business-date order, so a batch touches hundreds of different policies, as the live feed does.
 */
import { type JsonObject, type Position, type RecordedEvent } from '@lib/event-sourcing';
import {
  addYearsClamped,
  CN_RULE_PROFILE,
  isIssued,
  nextOpenInstallment,
  policyDecider,
  policyEventCodec,
  policyStreamId,
  type BusinessDate,
  type PolicyCommand,
  type PolicyState,
} from '@lib/policy-domain';
import { benchIssueData, benchProduct } from './bench-policies';

class PolicyLog {
  readonly events: RecordedEvent[] = [];
  private readonly policies = new Map<string, { revision: number; state: PolicyState }>();

  command(policyId: string, command: PolicyCommand): void {
    const entry = this.policies.get(policyId) ?? { revision: -1, state: policyDecider.initialState() };
    for (const event of policyDecider.decide(command, entry.state)) {
      entry.revision++;
      entry.state = policyDecider.evolve(entry.state, event);
      const stored = JSON.parse(JSON.stringify(policyEventCodec.encode(event))) as {
        type: string;
        data: JsonObject;
        schemaVersion: number;
      };
      const eventId = `00000000-0000-4000-8000-${String(this.events.length + 1).padStart(12, '0')}`;
      this.events.push({
        streamId: policyStreamId(policyId),
        revision: entry.revision,
        position: '',
        eventId,
        type: stored.type,
        data: stored.data,
        metadata: {
          eventId,
          correlationId: eventId,
          causationId: eventId,
          actor: { id: 'bench', roles: ['system'] },
          channel: 'SCHEDULER',
          recordedAt: `${command.context.today}T10:00:00.000Z`,
          schemaVersion: stored.schemaVersion,
        },
      });
    }
    this.policies.set(policyId, entry);
  }

  pay(policyId: string, paidOn: BusinessDate): void {
    const state = this.policies.get(policyId)!.state;
    const next = isIssued(state) ? nextOpenInstallment(state) : null;
    if (!next) return;
    this.command(policyId, {
      type: 'RecordPremiumPayment',
      data: {
        installmentNo: next.installmentNo,
        amount: next.amount,
        paidOn,
        receiptNo: `R-${policyId}-${next.installmentNo}`,
      },
      context: { today: paidOn },
    });
  }
}

function encodeBenchPosition(sequence: number): Position {
  return String(sequence).padStart(20, '0');
}

/** `count` events of annual 10-year policies, in business-date order with increasing positions. */
export function syntheticPolicyEvents(count: number): RecordedEvent[] {
  const log = new PolicyLog();
  for (let index = 0; log.events.length < count; index++) {
    const policyId = `PRB-${String(index).padStart(7, '0')}`;
    const effectiveDate = `20${20 + (index % 4)}-${String(1 + (index % 12)).padStart(2, '0')}-${String(1 + (index % 28)).padStart(2, '0')}`;
    const branch = index % 3 === 0 ? { branchCode: 'SH01', region: 'EAST' } : { branchCode: 'BJ01', region: 'NORTH' };
    const data = benchIssueData(policyId, effectiveDate, {
      ...branch,
      agentId: `A-${String(index % 40).padStart(3, '0')}`,
    });
    log.command(policyId, {
      type: 'IssuePolicy',
      data,
      context: {
        today: effectiveDate,
        ruleProfile: CN_RULE_PROFILE,
        servicingAgent: { ...data.servicing, role: 'SERVICING', status: 'ACTIVE' },
        product: benchProduct(data.productCode),
      },
    });
    for (let year = 1; year <= 4; year++) {
      const dueDate = addYearsClamped(effectiveDate, year);
      const sentOn = dueDate.replace(/-\d\d$/, '-01');
      log.command(policyId, {
        type: 'SendPremiumReminder',
        data: { installmentNo: year + 1, kind: 'PRE_DUE', channel: 'LETTER', sentOn },
        context: { today: sentOn },
      });
      if (index % 17 === 0 && year === 2) {
        const lapsedOn = addYearsClamped(dueDate, 1).replace(/-\d\d$/, '-01');
        log.command(policyId, { type: 'LapsePolicy', data: { lapsedOn }, context: { today: lapsedOn } });
        break;
      }
      log.pay(policyId, dueDate);
    }
    if (index % 11 === 0) {
      const transferredOn = addYearsClamped(effectiveDate, 5);
      log.command(policyId, {
        type: 'TransferPolicy',
        data: { toBranchCode: 'GZ01', toRegion: 'SOUTH', effectiveDate: transferredOn, reason: 'RELOCATION' },
        context: { today: transferredOn },
      });
    }
  }
  const byBusinessTime = log.events
    .slice(0, count)
    .map((event, order) => ({ event, order, at: String(event.metadata.recordedAt) }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  return byBusinessTime.map(({ event }, sequence) => ({ ...event, position: encodeBenchPosition(sequence + 1) }));
}
