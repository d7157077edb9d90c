import { ConfigError } from '@lib/config';
import { loadRelayConfig } from './relay-config';

describe('relay configuration', () => {
  it('embedded defaults: events and checkpoint in DATA_DIR, the DESIGN 5 topics, 6 partitions', () => {
    const config = loadRelayConfig({ KAFKA_BROKERS: 'localhost:9092', DATA_DIR: '/var/data' }, '/app');
    expect(config).toMatchObject({
      kafkaBrokers: ['localhost:9092'],
      topics: { policy: 'policy.events.v1', agent: 'agent.events.v1', product: 'product.events.v1' },
      topicPartitions: 6,
      eventStore: { kind: 'sqlite', path: '/var/data/events.sqlite' },
      checkpointStore: { kind: 'sqlite', path: '/var/data/relay-checkpoint.sqlite' },
      checkpointName: 'event-relay',
      batchSize: 1000,
      lingerMs: 20,
      checkpointIntervalMs: 100,
      httpPort: 3000,
    });
  });

  it('production: EventStoreDB and a PostgreSQL checkpoint in its own schema', () => {
    const config = loadRelayConfig({
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false',
      READ_MODEL_URL: 'postgres://policy@postgres:5432/rm',
      KAFKA_TOPIC_PARTITIONS: '12',
    });
    expect(config.eventStore).toEqual({ kind: 'esdb', connectionString: 'esdb://eventstore:2113?tls=false' });
    expect(config.checkpointStore).toEqual({
      kind: 'postgres',
      url: 'postgres://policy@postgres:5432/rm',
      schema: 'subscription_checkpoints',
    });
    expect(config.topicPartitions).toBe(12);
  });

  it('every problem is reported at once, with what was expected', () => {
    expect.assertions(2);
    try {
      loadRelayConfig({
        KAFKA_TOPIC_PARTITIONS: '0',
        EVENTSTORE_CONNECTION_STRING: 'http://nope',
        READ_MODEL_URL: 'mysql://x',
        RELAY_BATCH_SIZE: 'many',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'KAFKA_BROKERS is required (host:9092,host2:9092)',
        'KAFKA_TOPIC_PARTITIONS must be an integer 1–1000, got "0"',
        'EVENTSTORE_CONNECTION_STRING must be an EventStoreDB URL (esdb://host:2113?tls=false or esdb+discover://…)',
        'READ_MODEL_URL must be a postgres:// or postgresql:// URL',
        'RELAY_BATCH_SIZE must be an integer 1–100000, got "many"',
      ]);
    }
  });
});
