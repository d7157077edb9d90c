import { parseApiKeys } from './api-keys';
import { ConfigError, loadConfig } from './app-config';

describe('API_KEYS parsing', () => {
  it('parses id:secret:role+role entries', () => {
    const { keys, errors } = parseApiKeys('desk-1:0123456789abcdef:clerk, ops:fedcba9876543210:supervisor+auditor');
    expect(errors).toEqual([]);
    expect(keys).toEqual([
      { id: 'desk-1', secret: '0123456789abcdef', roles: ['clerk'] },
      { id: 'ops', secret: 'fedcba9876543210', roles: ['supervisor', 'auditor'] },
    ]);
  });

  it('reports every broken entry without echoing secrets', () => {
    const { keys, errors } = parseApiKeys(
      'a:short:clerk,b:0123456789abcdef:janitor,c:0123456789abcdef,a:fedcba9876543210:clerk',
    );
    expect(keys).toEqual([]);
    expect(errors).toEqual([
      expect.stringMatching(/entry 1 \(a\): secret must be 16/),
      expect.stringMatching(/entry 2 \(b\): unknown role\(s\) "janitor"/),
      expect.stringMatching(/entry 3: expected "id:secret:role\+role"/),
      expect.stringMatching(/entry 4: duplicate key id a/),
    ]);
    expect(errors.join('\n')).not.toContain('0123456789abcdef');
  });

  it('rejects two keys sharing a secret', () => {
    expect(parseApiKeys('a:0123456789abcdef:clerk,b:0123456789abcdef:system').errors).toEqual([
      expect.stringMatching(/\(b\): the same secret is used by another key/),
    ]);
  });
});

describe('loadConfig', () => {
  it('defaults: port 3000, ./data, CN, info, one generated admin key in embedded mode', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      httpPort: 3000,
      dataDir: '/srv/app/data',
      jurisdiction: 'CN',
      logLevel: 'info',
      generatedAdminKey: true,
    });
    expect(config.apiKeys).toHaveLength(1);
    expect(config.apiKeys[0]).toMatchObject({ id: 'admin', roles: ['admin'] });
    expect(config.apiKeys[0].secret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        HTTP_PORT: '8080',
        DATA_DIR: '/var/lib/policy',
        API_KEYS: 'x:0123456789abcdef:clerk',
        JURISDICTION: 'us',
        LOG_LEVEL: 'WARN',
      },
      '/srv/app',
    );
    expect(config).toMatchObject({
      httpPort: 8080,
      dataDir: '/var/lib/policy',
      jurisdiction: 'US',
      logLevel: 'warn',
      generatedAdminKey: false,
    });
  });

  it('GRPC_PORT: default 50051; 1–65535 accepted; 0 (ephemeral) and non-numbers refused', () => {
    expect(loadConfig({}).grpcPort).toBe(50051);
    expect(loadConfig({ GRPC_PORT: '50052' }).grpcPort).toBe(50052);
    for (const bad of ['0', '65536', 'abc', '-1']) {
      expect(() => loadConfig({ GRPC_PORT: bad })).toThrow(/GRPC_PORT must be an integer 1–65535/);
    }
  });

  it('REINSTATEMENT_INTEREST_BASIS_POINTS: unset keeps the profile rate; 0–10000 accepted; others refused', () => {
    expect(loadConfig({}).reinstatementInterestBasisPoints).toBeUndefined();
    expect(loadConfig({ REINSTATEMENT_INTEREST_BASIS_POINTS: '450' }).reinstatementInterestBasisPoints).toBe(450);
    for (const bad of ['10001', '4.5', '-1', '5%']) {
      expect(() => loadConfig({ REINSTATEMENT_INTEREST_BASIS_POINTS: bad })).toThrow(
        /REINSTATEMENT_INTEREST_BASIS_POINTS must be a whole number/,
      );
    }
  });

  it('METRICS_PUBLIC: default false; true/false in any case accepted; anything else refused', () => {
    expect(loadConfig({}).metricsPublic).toBe(false);
    expect(loadConfig({ METRICS_PUBLIC: 'true' }).metricsPublic).toBe(true);
    expect(loadConfig({ METRICS_PUBLIC: ' TRUE ' }).metricsPublic).toBe(true);
    expect(loadConfig({ METRICS_PUBLIC: 'false' }).metricsPublic).toBe(false);
    for (const bad of ['1', 'yes', 'on', 'treu']) {
      expect(() => loadConfig({ METRICS_PUBLIC: bad })).toThrow(/METRICS_PUBLIC must be true or false/);
    }
  });

  it('BUSINESS_TIME_ZONE: default UTC; IANA zones accepted; unknown zones refused', () => {
    expect(loadConfig({}).businessTimeZone).toBe('UTC');
    expect(loadConfig({ BUSINESS_TIME_ZONE: 'Asia/Shanghai' }).businessTimeZone).toBe('Asia/Shanghai');
    expect(() => loadConfig({ BUSINESS_TIME_ZONE: 'Mars/Olympus' })).toThrow(/BUSINESS_TIME_ZONE must be an IANA/);
  });

  it('collects all problems into one ConfigError', () => {
    let caught: unknown;
    try {
      loadConfig({
        HTTP_PORT: '70000',
        JURISDICTION: 'FR',
        LOG_LEVEL: 'loud',
        EVENTSTORE_CONNECTION_STRING: 'http://x',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      expect.stringMatching(/^HTTP_PORT/),
      expect.stringMatching(/^EVENTSTORE_CONNECTION_STRING must be/),
      expect.stringMatching(/^API_KEYS is required when EVENTSTORE_CONNECTION_STRING/),
      expect.stringMatching(/^JURISDICTION/),
      expect.stringMatching(/^LOG_LEVEL/),
    ]);
  });
});
