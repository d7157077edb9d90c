import { type RecordedEvent } from '@lib/event-sourcing';
import { InMemoryReadModel } from '../testing/in-memory-read-model';
import { encodeTestPosition, ScenarioLog } from '../testing/scenario-log';
import { decodeBatch, projectBatch, type StreamProgress } from './project-batch';
import { ProjectionError } from './projection-event';
import { ChangeSet } from './row-changes';

const P = 'P-2024-0001';

function otherStreamEvent(sequence: number): RecordedEvent {
  return {
    streamId: 'idempotency-abc',
    revision: 0,
    position: encodeTestPosition(sequence),
    eventId: `other-${sequence}`,
    type: 'IdempotentResponseStored',
    data: {},
    metadata: { recordedAt: '2025-01-01T00:00:00.000Z', schemaVersion: 1 },
  };
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('projecting a batch', () => {
  const log = new ScenarioLog().issue({ policyId: P }).pay(P, '2025-03-10').remind(P, 3, 'PRE_DUE', '2026-02-13');

  it('a redelivered batch is skipped and changes nothing', () => {
    const model = new InMemoryReadModel();
    model.apply(log.events);
    const rowsBefore = model.rows('premium_installments');

    const again = model.apply(log.events);

    expect(again).toMatchObject({ applied: 0, skipped: 3, checkpoint: null });
    expect(again.changes.size).toBe(0);
    expect(model.rows('premium_installments')).toEqual(rowsBefore);
    expect(model.rows('servicing_activity').map((row) => row.transactions)).toEqual([1, 1, 1]);
  });

  it('when part of a batch was applied before, only the newer events apply', () => {
    const model = new InMemoryReadModel();
    model.apply(log.events.slice(0, 2));

    const result = model.apply(log.events);

    expect(result).toMatchObject({ applied: 1, skipped: 2 });
    expect(result.checkpoint).toEqual({ position: log.events[2]!.position, recordedAt: '2026-02-13T10:00:00.000Z' });
  });

  it('a gap in a stream is rejected: the state would miss an event', () => {
    const model = new InMemoryReadModel();
    model.apply(log.events.slice(0, 1));

    const error = thrown(() => model.apply(log.events.slice(2)));

    expect(error).toBeInstanceOf(ProjectionError);
    expect(error).toMatchObject({ streamId: `policy-${P}`, revision: 2, eventType: 'PremiumReminderSent' });
  });

  it('an event before PolicyIssued is rejected with the stream and revision', () => {
    const payment = { ...log.events[1]!, revision: 0 };

    const error = thrown(() => new InMemoryReadModel().apply([payment]));

    expect(error).toBeInstanceOf(ProjectionError);
    expect((error as ProjectionError).message).toContain(`PremiumPaid at policy-${P}@0`);
  });

  it('an event type the domain does not know is rejected, and nothing of the batch applies', () => {
    const model = new InMemoryReadModel();
    const unknown = { ...log.events[1]!, type: 'PremiumRefunded' };

    expect(() => model.apply([log.events[0]!, unknown])).toThrow(ProjectionError);
    expect(model.rows('policy_summary')).toEqual([]);
  });

  it('events of other streams are not projected but advance the checkpoint', () => {
    const result = new InMemoryReadModel().apply([otherStreamEvent(7)]);

    expect(result).toMatchObject({ applied: 0, ignored: 1, checkpoint: { position: encodeTestPosition(7) } });
    expect(result.changes.size).toBe(0);
  });

  it('the checkpoint is the greatest position of the batch, whatever the delivery order', () => {
    const result = new InMemoryReadModel().apply([otherStreamEvent(99), ...log.events]);

    expect(result.checkpoint).toEqual({ position: encodeTestPosition(99), recordedAt: '2025-01-01T00:00:00.000Z' });
  });

  it('a PremiumReminderSent of schema v1 (no kind) is upcast by the domain codec and counts as a pre-due reminder', () => {
    const v2 = log.events[2]!;
    const { kind: _kind, ...v1Data } = v2.data;
    const v1 = { ...v2, data: v1Data, metadata: { ...v2.metadata, schemaVersion: 1 } };
    const model = new InMemoryReadModel();

    model.apply([...log.events.slice(0, 2), v1]);

    expect(model.rowsOf('premium_installments', P)[2]).toMatchObject({ status: 'REMINDED', preDueReminders: 1 });
  });
});

describe('agent projection', () => {
  it('AgentRegistered creates the agent row; AgentDeparted marks it departed with the reassignment strategy', () => {
    const log = new ScenarioLog().registerAgent('A-001', 'BJ01', 'NORTH');
    const model = new InMemoryReadModel();
    model.apply(log.events);
    expect(model.rows('agent_workload')).toEqual([
      {
        agentId: 'A-001',
        name: 'Agent A-001',
        role: 'SERVICING',
        branchCode: 'BJ01',
        region: 'NORTH',
        status: 'ACTIVE',
        departedOn: null,
        reassignment: null,
      },
    ]);

    model.apply(log.departAgent('A-001', '2025-02-01', 'BALANCED').events);

    expect(model.rows('agent_workload')[0]).toMatchObject({
      status: 'DEPARTED',
      departedOn: '2025-02-01',
      reassignment: 'BALANCED',
    });
  });
});

describe('ChangeSet', () => {
  const row = (installmentNo: number, status: 'DUE' | 'PAID') => ({
    policyId: P,
    installmentNo,
    dueDate: '2025-03-15',
    amount: 1,
    currency: 'CNY',
    status,
    paidOn: null,
    settledBy: null,
    receiptNo: null,
    preDueReminders: 0,
    overdueNotices: 0,
    lastRemindedOn: null,
  });

  it('keeps the last change of each key, so every row is written once per batch', () => {
    const changes = new ChangeSet();
    changes.add({ kind: 'upsert', table: 'premium_installments', row: row(2, 'DUE') });
    changes.add({ kind: 'upsert', table: 'premium_installments', row: row(2, 'PAID') });
    changes.add({ kind: 'upsert', table: 'premium_installments', row: row(3, 'DUE') });
    changes.add({ kind: 'delete', table: 'premium_installments', key: { policyId: P, installmentNo: 3 } });

    expect(changes.changesOf('premium_installments')).toEqual({
      upserts: [row(2, 'PAID')],
      deletes: [{ policyId: P, installmentNo: 3 }],
    });
  });

  describe('a quarantined stream', () => {
    const log = new ScenarioLog().issue({ policyId: P }).pay(P, '2025-03-10').remind(P, 3, 'PRE_DUE', '2026-02-13');
    const streamId = log.events[0]!.streamId;
    const progressAfter = (events: readonly RecordedEvent[]): StreamProgress =>
      projectBatch(decodeBatch(events), () => undefined).advanced.get(streamId)!;

    it('its events after the quarantined revision are passed over and move the checkpoint', () => {
      const progress = progressAfter(log.events.slice(0, 1));

      const result = projectBatch(
        decodeBatch(log.events.slice(2)),
        () => progress,
        () => 1,
      );

      expect(result).toMatchObject({ applied: 0, quarantined: 1, released: [] });
      expect(result.advanced.size).toBe(0);
      expect(result.checkpoint?.position).toBe(log.events[2]!.position);
    });

    it('the event at the quarantined revision applying releases it, and its later events apply', () => {
      const progress = progressAfter(log.events.slice(0, 1));

      const result = projectBatch(
        decodeBatch(log.events.slice(1)),
        () => progress,
        () => 1,
      );

      expect(result).toMatchObject({ applied: 2, quarantined: 0, released: [streamId] });
    });

    it('a quarantine the stream has overtaken (its revision applied elsewhere) is released', () => {
      const progress = progressAfter(log.events.slice(0, 2));

      const result = projectBatch(
        decodeBatch(log.events.slice(2)),
        () => progress,
        () => 1,
      );

      expect(result).toMatchObject({ applied: 1, quarantined: 0, released: [streamId] });
    });
  });

  it('adds up counter increments of the same key', () => {
    const changes = new ChangeSet();
    const activity = {
      activityDate: '2025-01-01',
      branchCode: 'BJ01',
      transactionType: 'PremiumPaid' as const,
      transactions: 1,
    };
    changes.add({ kind: 'increment', table: 'servicing_activity', row: activity });
    changes.add({ kind: 'increment', table: 'servicing_activity', row: activity });
    changes.add({ kind: 'increment', table: 'servicing_activity', row: { ...activity, branchCode: 'SH01' } });

    expect(changes.changesOf('servicing_activity').upserts).toEqual([
      { ...activity, transactions: 2 },
      { ...activity, branchCode: 'SH01', transactions: 1 },
    ]);
  });
});
