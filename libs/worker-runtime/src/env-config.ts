/** Reading worker configuration from the environment: every problem is collected, so one failed start shows all. */
export type Env = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or blank. */
  string(name: string): string | undefined {
    const trimmed = this.env[name]?.trim();
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
  }

  required(name: string, hint: string): string {
    const value = this.string(name);
    if (value === undefined) this.problems.push(`${name} is required (${hint})`);
    return value ?? '';
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
      this.problems.push(`${name} must be an integer ${min}–${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  }

  /** A Kafka topic name (legal characters, at most 249). */
  topic(name: string, fallback: string): string {
    const value = this.string(name) ?? fallback;
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(value) || value === '.' || value === '..') {
      this.problems.push(
        `${name} must be a Kafka topic name ([A-Za-z0-9._-], 1–249 characters), got ${JSON.stringify(value)}`,
      );
    }
    return value;
  }

  /** A SQL identifier we create ourselves (PostgreSQL schema). */
  identifier(name: string, fallback: string): string {
    const value = this.string(name) ?? fallback;
    if (!/^[a-z_][a-z0-9_]{0,39}$/.test(value)) {
      this.problems.push(`${name} must match ^[a-z_][a-z0-9_]{0,39}$, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  logLevel(): LogLevel {
    const value = (this.string('LOG_LEVEL') ?? 'info').toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(value)) {
      this.problems.push(
        `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(this.env.LOG_LEVEL)}`,
      );
      return 'info';
    }
    return value as LogLevel;
  }

  /** @throws ConfigError listing every problem found so far */
  check(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
