import { parseApiKeys } from './api-keys';
import { ConfigError } from '@lib/config';
import { loadConfig } from './app-config';

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

  it("BUSINESS_TIME_ZONE: the jurisdiction's zone by default (CN Asia/Shanghai, US America/New_York); overridable", () => {
    expect(loadConfig({}).businessTimeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ JURISDICTION: 'CN' }).businessTimeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ JURISDICTION: 'us' }).businessTimeZone).toBe('America/New_York');
    expect(loadConfig({ JURISDICTION: 'CN', BUSINESS_TIME_ZONE: 'UTC' }).businessTimeZone).toBe('UTC');
    expect(loadConfig({ JURISDICTION: 'US', BUSINESS_TIME_ZONE: 'America/Chicago' }).businessTimeZone).toBe(
      'America/Chicago',
    );
    expect(loadConfig({ BUSINESS_TIME_ZONE: '  ' }).businessTimeZone).toBe('Asia/Shanghai');
    expect(() => loadConfig({ BUSINESS_TIME_ZONE: 'Mars/Olympus' })).toThrow(/BUSINESS_TIME_ZONE must be an IANA/);
  });

  it('HTTP_HOST and GRPC_HOST: 127.0.0.1 by default (this machine only); addresses and host names accepted', () => {
    expect(loadConfig({})).toMatchObject({ httpHost: '127.0.0.1', grpcHost: '127.0.0.1' });
    expect(loadConfig({ HTTP_HOST: '0.0.0.0', GRPC_HOST: '::' })).toMatchObject({
      httpHost: '0.0.0.0',
      grpcHost: '::',
    });
    expect(loadConfig({ HTTP_HOST: 'localhost', GRPC_HOST: '10.0.0.7' })).toMatchObject({
      httpHost: 'localhost',
      grpcHost: '10.0.0.7',
    });
    for (const bad of ['http://0.0.0.0', '0.0.0.0:3000', 'two words', '-leading-hyphen']) {
      expect(() => loadConfig({ HTTP_HOST: bad })).toThrow(/HTTP_HOST must be an IP address/);
      expect(() => loadConfig({ GRPC_HOST: bad })).toThrow(/GRPC_HOST must be an IP address/);
    }
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

describe('READ_LIMIT_* (per-key limits on expensive reads)', () => {
  it('defaults: 4 in progress, 20,000 rows per second, bursts of 40,000 rows', () => {
    expect(loadConfig({}).readLimits).toEqual({ concurrency: 4, rowsPerSecond: 20_000, burstRows: 40_000 });
  });

  it('reads each variable', () => {
    const config = loadConfig({
      READ_LIMIT_CONCURRENCY: '2',
      READ_LIMIT_ROWS_PER_SECOND: '500',
      READ_LIMIT_BURST_ROWS: '5000',
    });
    expect(config.readLimits).toEqual({ concurrency: 2, rowsPerSecond: 500, burstRows: 5000 });
  });

  it('refuses zero, fractions, text and a burst smaller than one full page, naming each variable', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({ READ_LIMIT_CONCURRENCY: '0', READ_LIMIT_ROWS_PER_SECOND: '2.5', READ_LIMIT_BURST_ROWS: '999' });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      'READ_LIMIT_CONCURRENCY must be a whole number from 1 to 10000, got "0"',
      'READ_LIMIT_ROWS_PER_SECOND must be a whole number from 1 to 100000000, got "2.5"',
      'READ_LIMIT_BURST_ROWS must be a whole number from 1000 to 1000000000, got "999"',
    ]);
    expect(() => loadConfig({ READ_LIMIT_ROWS_PER_SECOND: 'fast' })).toThrow(/READ_LIMIT_ROWS_PER_SECOND/);
  });
});
