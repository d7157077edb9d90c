import { EventStoreUnavailableError, UnreadableEventError } from '@lib/event-sourcing';
import pino from 'pino';
import { UnavailabilityLog } from './unavailability-log';

describe('UnavailabilityLog: one line per reason, not one per request', () => {
  let lines: Record<string, unknown>[];
  let now: number;
  let log: UnavailabilityLog;

  beforeEach(() => {
    lines = [];
    now = 0;
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    log = new UnavailabilityLog(logger, () => now, 60_000);
  });

  const diskFull = () => new EventStoreUnavailableError('disk-full', 'Append to policy-P-1 refused: disk full');

  it('a storm of the same refusal is one warn line without a stack; the next line after a minute counts the rest', () => {
    for (let request = 0; request < 500; request++) log.report(diskFull(), { correlationId: `c-${request}` });
    now = 61_000;
    log.report(diskFull());

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 40, reason: 'disk-full', correlationId: 'c-0' });
    expect(lines[0]).not.toHaveProperty('err');
    expect(lines[0]).not.toHaveProperty('stack');
    expect(lines[1]).toMatchObject({ level: 40, reason: 'disk-full', repeated: 499 });
  });

  it('different reasons and different unreadable events each get their line', () => {
    log.report(diskFull());
    log.report(new EventStoreUnavailableError('io-error', 'disk I/O error'));
    log.report(new UnreadableEventError('policy-P-1', 3, 'Teleported', 1));
    log.report(new UnreadableEventError('policy-P-1', 3, 'Teleported', 1));
    log.report(new UnreadableEventError('policy-P-2', 0, 'Teleported', 1));

    expect(lines.map((line) => line.reason ?? line.streamId)).toEqual([
      'disk-full',
      'io-error',
      'policy-P-1',
      'policy-P-2',
    ]);
    expect(lines[2]).toMatchObject({ revision: 3, eventType: 'Teleported', schemaVersion: 1 });
  });

  it('a store flipping between refusing and writing (nearly full) logs each side once a minute', () => {
    for (let flip = 0; flip < 50; flip++) {
      log.report(diskFull());
      log.recovered();
    }

    expect(lines.map((line) => line.level)).toEqual([40, 30]);
  });
});
