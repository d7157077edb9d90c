import { logLevel, type LogEntry } from 'kafkajs';
import {
  InvalidBrokerListError,
  createKafka,
  deadLetterTopicFor,
  kafkaLogCreator,
  parseBrokerList,
  type KafkaLogSink,
} from './kafka-client';

describe('parseBrokerList', () => {
  it('splits KAFKA_BROKERS on commas and trims blanks', () => {
    expect(parseBrokerList(' kafka-1:9092, kafka-2.internal:19092 ,127.0.0.1:9092,')).toEqual([
      'kafka-1:9092',
      'kafka-2.internal:19092',
      '127.0.0.1:9092',
    ]);
  });

  it('accepts bracketed IPv6 addresses', () => {
    expect(parseBrokerList('[::1]:9092')).toEqual(['[::1]:9092']);
  });

  it.each(['', ' , ', 'kafka-1', 'kafka-1:', 'kafka-1:0', 'kafka-1:70000', 'kafka://kafka-1:9092', 'a b:9092'])(
    'rejects %p',
    (brokers) => {
      expect(() => parseBrokerList(brokers)).toThrow(InvalidBrokerListError);
    },
  );

  it('is what createKafka applies to a broker string', () => {
    expect(() => createKafka({ brokers: 'nonsense', clientId: 'test' })).toThrow(InvalidBrokerListError);
  });
});

describe('kafkaLogCreator', () => {
  function recordingSink(): KafkaLogSink & { lines: [string, object, string][] } {
    const lines: [string, object, string][] = [];
    return {
      lines,
      error: (context, message) => lines.push(['error', context, message]),
      warn: (context, message) => lines.push(['warn', context, message]),
      info: (context, message) => lines.push(['info', context, message]),
      debug: (context, message) => lines.push(['debug', context, message]),
    };
  }

  function entry(level: logLevel, message: string, extra: object = {}): LogEntry {
    return {
      namespace: 'Consumer',
      level,
      label: logLevel[level],
      log: { timestamp: '2024-01-01T00:00:00.000Z', message, ...extra },
    } as LogEntry;
  }

  it('forwards each kafkajs level to the same-named sink method with the namespace and extras as context', () => {
    const sink = recordingSink();
    const log = kafkaLogCreator(sink)(logLevel.INFO);
    log(entry(logLevel.ERROR, 'Crash', { groupId: 'g' }));
    log(entry(logLevel.WARN, 'Rebalancing'));
    log(entry(logLevel.INFO, 'Joined'));
    log(entry(logLevel.DEBUG, 'Fetch'));
    expect(sink.lines).toEqual([
      ['error', { kafka: 'Consumer', groupId: 'g' }, 'Crash'],
      ['warn', { kafka: 'Consumer' }, 'Rebalancing'],
      ['info', { kafka: 'Consumer' }, 'Joined'],
      ['debug', { kafka: 'Consumer' }, 'Fetch'],
    ]);
  });
});

describe('deadLetterTopicFor', () => {
  it('appends .dlq', () => {
    expect(deadLetterTopicFor('policy.events.v1')).toBe('policy.events.v1.dlq');
  });
});
