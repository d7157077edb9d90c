import { logLevel, type LogEntry } from 'kafkajs';
import { kafkaLogCreator, type KafkaLogSink } from './kafka-client';

/** The ERROR entries kafkajs 2.2 writes, as its sources write them (namespace, message, extras). */
function entry(namespace: string, message: string, extra: object = {}): LogEntry {
  return {
    namespace,
    level: logLevel.ERROR,
    label: 'ERROR',
    log: { timestamp: '2026-06-15T00:00:00.000Z', logger: 'kafkajs', message, ...extra },
  } as LogEntry;
}

function levelsOf(entries: LogEntry[]): string[] {
  const levels: string[] = [];
  const sink: KafkaLogSink = {
    error: () => levels.push('error'),
    warn: () => levels.push('warn'),
    info: () => levels.push('info'),
    debug: () => levels.push('debug'),
  };
  const log = kafkaLogCreator(sink)(logLevel.ERROR);
  entries.forEach((logged) => log(logged));
  return levels;
}

describe('kafkajs log levels: what kafkajs retries is a warning, a failure stays an error', () => {
  it('retried operations and broker connection trouble → warn', () => {
    expect(
      levelsOf([
        entry('Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', {
          broker: '127.0.0.1:9092',
          clientId: 'projector',
          stack: 'Error: connect ECONNREFUSED',
        }),
        entry('Connection', 'Connection timeout', { broker: 'kafka:9092', clientId: 'event-relay' }),
        entry('Connection', 'Response Metadata(key: 3, version: 6)', {
          broker: 'kafka:9092',
          clientId: 'event-relay',
          error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
          correlationId: 7,
          size: 120,
        }),
        entry('BrokerPool', 'Failed to connect to seed broker, trying another broker from the list: Connection error', {
          retryCount: 2,
          retryTime: 612,
        }),
        entry('Producer', 'Failed to send messages: There is no leader for this topic-partition', {
          retryCount: 0,
          retryTime: 300,
        }),
        entry('Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded: Connection error', {
          groupId: 'reporting-projector',
          retryCount: 5,
          stack: 'KafkaJSNumberOfRetriesExceeded',
        }),
        entry('Consumer', 'Restarting the consumer in 300ms', {
          retryCount: 5,
          retryTime: 300,
          groupId: 'reporting-projector',
        }),
      ]),
    ).toEqual(['warn', 'warn', 'warn', 'warn', 'warn', 'warn', 'warn']);
  });

  it('a crash kafkajs does not retry, a failing eachBatch and other failures → error', () => {
    expect(
      levelsOf([
        entry('Consumer', 'Crash: KafkaJSProtocolError: Not authorized to access topics', {
          groupId: 'reporting-projector',
          retryCount: undefined,
          stack: 'KafkaJSProtocolError',
        }),
        entry('Runner', 'Error when calling eachBatch', { topic: 'policy.events.v1', partition: 0, offset: '42' }),
        entry('Admin', 'Failed to execute listener: boom', { eventName: 'admin.connect' }),
      ]),
    ).toEqual(['error', 'error', 'error']);
  });

  it('WARN, INFO and DEBUG entries keep their level', () => {
    const at = (level: logLevel): LogEntry => ({ ...entry('Consumer', 'x'), level });
    expect(levelsOf([at(logLevel.WARN), at(logLevel.INFO), at(logLevel.DEBUG)])).toEqual(['warn', 'info', 'debug']);
  });
});
