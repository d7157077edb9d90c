import { randomUUID } from 'node:crypto';
import type { JsonObject, NewEvent } from '@lib/event-sourcing';

/** A PremiumPaid-sized event with the metadata the command loop writes (the append benchmarks' unit of work). */
export function benchEvent(streamId: string): NewEvent {
  const eventId = randomUUID();
  const data: JsonObject = {
    policyId: streamId,
    installmentNo: 7,
    dueDate: '2024-07-01',
    amount: { amount: 125_000, currency: 'CNY' },
    paidOn: '2024-06-28',
    receiptNo: `R-${eventId.slice(0, 8)}`,
    method: 'BANK_DEBIT',
  };
  const metadata: JsonObject = {
    eventId,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: { id: 'bench', roles: ['system'] },
    channel: 'CLI',
    recordedAt: '2024-06-28T08:00:00.000Z',
    schemaVersion: 1,
  };
  return { eventId, type: 'PremiumPaid', data, metadata };
}
