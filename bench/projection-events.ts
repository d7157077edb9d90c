/**
 * Bench helper: a servicing history made by the domain's own deciders (so the projector sees events `decide` really
 * produces): per policy, issue → (pre-due reminder, payment) × 4 years, about 9 events, branches and agents varied.
 */
import { randomUUID } from 'node:crypto';
import { type EventStore, type JsonObject, type NewEvent } from '@lib/event-sourcing';
import {
  addYearsClamped,
  CN_RULE_PROFILE,
  isIssued,
  nextOpenInstallment,
  policyDecider,
  policyEventCodec,
  policyStreamId,
  type IssuePolicyData,
  type PolicyCommand,
  type PolicyState,
} from '@lib/policy-domain';
import { benchIssueData, benchProduct, cny } from './bench-policies';

export interface PolicyHistory {
  readonly streamId: string;
  readonly events: NewEvent[];
}

const BRANCHES = [
  { branchCode: 'SH-001', region: 'EAST' },
  { branchCode: 'BJ-002', region: 'NORTH' },
  { branchCode: 'GZ-003', region: 'SOUTH' },
];

function issueData(policyId: string, index: number): IssuePolicyData {
  const effectiveDate = `20${18 + (index % 4)}-${String(1 + (index % 12)).padStart(2, '0')}-${String(1 + (index % 28)).padStart(2, '0')}`;
  return benchIssueData(
    policyId,
    effectiveDate,
    { ...BRANCHES[index % BRANCHES.length], agentId: `AG-${String(index % 50).padStart(3, '0')}` },
    [{ periodNo: 1, kind: 'SURVIVAL', dueDate: addYearsClamped(effectiveDate, 5), amount: cny(500_000) }],
  );
}

/** `recordedAt` is stamped by `stamp` at append time (the live phase measures lag from it). */
export function policyHistory(index: number): PolicyHistory {
  const policyId = `BENCH-${String(index).padStart(7, '0')}`;
  let state: PolicyState = policyDecider.initialState();
  const events: NewEvent[] = [];
  const run = (command: PolicyCommand) => {
    for (const event of policyDecider.decide(command, state)) {
      state = policyDecider.evolve(state, event);
      const stored = policyEventCodec.encode(event);
      const eventId = randomUUID();
      const metadata: JsonObject = {
        eventId,
        correlationId: eventId,
        causationId: eventId,
        actor: { id: 'bench', roles: ['system'] },
        channel: 'CLI',
        recordedAt: '',
        schemaVersion: stored.schemaVersion,
      };
      events.push({
        eventId,
        type: stored.type,
        data: JSON.parse(JSON.stringify(stored.data)) as JsonObject,
        metadata,
      });
    }
  };
  const data = issueData(policyId, index);
  run({
    type: 'IssuePolicy',
    data,
    context: {
      today: data.effectiveDate,
      ruleProfile: CN_RULE_PROFILE,
      servicingAgent: { ...data.servicing, role: 'SERVICING', status: 'ACTIVE' },
      product: benchProduct(data.productCode),
    },
  });
  for (let year = 1; year <= 4; year++) {
    const dueDate = addYearsClamped(data.effectiveDate, year);
    const sentOn = addYearsClamped(data.effectiveDate, year).replace(/-\d\d$/, '-01');
    run({
      type: 'SendPremiumReminder',
      data: { installmentNo: year + 1, kind: 'PRE_DUE', channel: 'LETTER', sentOn },
      context: { today: sentOn },
    });
    if (!isIssued(state)) throw new Error(`${policyId} was not issued`);
    const next = nextOpenInstallment(state);
    if (!next) break;
    run({
      type: 'RecordPremiumPayment',
      data: {
        installmentNo: next.installmentNo,
        amount: next.amount,
        paidOn: dueDate,
        receiptNo: `R-${policyId}-${year}`,
      },
      context: { today: dueDate },
    });
  }
  return { streamId: policyStreamId(policyId), events };
}

/** The events with `recordedAt` = now (what the store's command loop would write). */
function stamp(events: readonly NewEvent[], now: string): NewEvent[] {
  return events.map((event) => ({ ...event, metadata: { ...event.metadata, recordedAt: now } }));
}

/** Histories of policies 0, 1, … cut to exactly `total` events (the last one may be cut short). */
export function backlogOf(total: number): PolicyHistory[] {
  const histories: PolicyHistory[] = [];
  for (let index = 0, count = 0; count < total; index++) {
    const history = policyHistory(index);
    const events = history.events.slice(0, total - count);
    histories.push({ ...history, events });
    count += events.length;
  }
  return histories;
}

/** Appends the histories from `concurrency` appenders at once, each with recordedAt = now. */
export async function appendHistories(
  store: Pick<EventStore, 'append'>,
  histories: readonly PolicyHistory[],
  concurrency = 16,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < histories.length) {
        const { streamId, events } = histories[next++]!;
        await store.append(streamId, stamp(events, new Date().toISOString()), 'no_stream');
      }
    }),
  );
}
