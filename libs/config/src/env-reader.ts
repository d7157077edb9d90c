/**
 * Reading a process's configuration from the environment, for every app (API, scheduler, policyctl, event relay,
 * projector): values are trimmed (blank counts as unset), every problem is collected, and one ConfigError lists them
 * all, so one failed start shows everything to fix.
 */
export type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every problem found in the environment, one per line of the message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** What a problem quotes after `got`: the value trimmed (the default), or exactly as set. */
type Quote = 'trimmed' | 'as set';

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/**
 * One environment, read variable by variable. Each reader records a problem for a value it refuses (and answers its
 * fallback, so reading goes on); `check()` then throws them all at once. Messages name the variable, say what was
 * expected and quote what was set: `${name} ${expected}, got "${value}"`.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(readonly env: Env) {}

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

  /** Records a problem found by the caller (a rule between variables, a value it parses itself). */
  problem(message: string): void {
    this.problems.push(message);
  }

  /**
   * The value as `parse` reads it (from the trimmed value), `fallback` when unset or blank; when `parse` answers
   * undefined, the problem `${name} ${expected}, got …` (quoting the value as `quote` says) and `fallback`.
   */
  parsed<T, F = T>(
    name: string,
    fallback: F,
    parse: (value: string) => T | undefined,
    expected: string,
    quote: Quote = 'trimmed',
  ): T | F {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const result = parse(value);
    if (result !== undefined) return result;
    this.problems.push(`${name} ${expected}, got ${JSON.stringify(quote === 'trimmed' ? value : this.env[name])}`);
    return fallback;
  }

  /** An integer from min to max (digits only). */
  integer(name: string, fallback: number, min: number, max: number): number {
    return this.parsed(name, fallback, (raw) => wholeNumber(raw, min, max), `must be an integer ${min}–${max}`);
  }

  /**
   * One of `values`, compared after upper- or lower-casing the value as `letterCase` says; the problem quotes the
   * value as set.
   */
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T, letterCase: 'upper' | 'lower'): T {
    return this.parsed(
      name,
      fallback,
      (raw) => {
        const value = letterCase === 'upper' ? raw.toUpperCase() : raw.toLowerCase();
        return (values as readonly string[]).includes(value) ? (value as T) : undefined;
      },
      `must be one of ${values.join(', ')}`,
      'as set',
    );
  }

  /** true / 1 / yes / on or false / 0 / no / off, in any case. */
  flag(name: string, fallback: boolean): boolean {
    return this.parsed(
      name,
      fallback,
      (raw) => {
        const value = raw.toLowerCase();
        return TRUE_WORDS.includes(value) ? true : FALSE_WORDS.includes(value) ? false : undefined;
      },
      'must be true or false',
      'as set',
    );
  }

  /** Exactly true or false, in any case: for switches where a typo must not be guessed (e.g. one turning auth off). */
  strictFlag(name: string, fallback: boolean): boolean {
    return this.parsed(
      name,
      fallback,
      (raw) => (raw.toLowerCase() === 'true' ? true : raw.toLowerCase() === 'false' ? false : undefined),
      'must be true or false',
      'as set',
    );
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

  /** LOG_LEVEL (default info), in any case. */
  logLevel(): LogLevel {
    return this.oneOf('LOG_LEVEL', LOG_LEVELS, 'info', 'lower');
  }

  /** @throws ConfigError listing every problem found so far */
  check(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/** The number written in `raw` when it is digits only and from min to max, else undefined. */
export function wholeNumber(raw: string, min: number, max: number): number | undefined {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}
