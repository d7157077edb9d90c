import { type ConfigError } from '@lib/config';
import { loadProjectorConfig } from './projector-config';

describe('projector configuration', () => {
  it('defaults: group reporting-projector on the DESIGN 5 topics; SQLite read models without READ_MODEL_URL', () => {
    expect(loadProjectorConfig({ KAFKA_BROKERS: 'localhost:9092', DATA_DIR: '/var/data' })).toMatchObject({
      groupId: 'reporting-projector',
      topics: { policy: 'policy.events.v1', agent: 'agent.events.v1', product: 'product.events.v1' },
      readModels: { readModelUrl: undefined, schema: undefined, dataDir: '/var/data' },
      batchSize: 1000,
      maxAttempts: 3,
      sessionTimeoutMs: 30_000,
    });
  });

  it('PostgreSQL with its schema', () => {
    const config = loadProjectorConfig({
      KAFKA_BROKERS: 'k:9092',
      READ_MODEL_URL: 'postgresql://p@db/rm',
      READ_MODEL_SCHEMA: 'reports_v2',
    });
    expect(config.readModels).toEqual({
      readModelUrl: 'postgresql://p@db/rm',
      schema: 'reports_v2',
      dataDir: undefined,
    });
  });

  it('rejects what it cannot use, all at once', () => {
    expect.assertions(1);
    try {
      loadProjectorConfig({
        KAFKA_BROKERS: 'no-port',
        READ_MODEL_URL: 'sqlite:///x',
        READ_MODEL_SCHEMA: 'Bad-Schema',
        PROJECTOR_SESSION_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'KAFKA_BROKERS must be a comma-separated list of host:port, got "no-port"',
        'READ_MODEL_URL must be a postgres:// or postgresql:// URL',
        'READ_MODEL_SCHEMA must match ^[a-z_][a-z0-9_]{0,39}$, got "Bad-Schema"',
        'PROJECTOR_SESSION_TIMEOUT_MS must be an integer 6000–300000, got "1000"',
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      ]);
    }
  });
});
