/** What a command may touch of the outside world: its output streams, the environment and the interrupt signal. */
export interface CliOutput {
  write(text: string): unknown;
  /** Set for a terminal: progress bars redraw one line; otherwise they print a line now and then. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: long commands stop at the next safe point and clean up. */
  readonly signal: AbortSignal;
}

/** Exit codes: 0 done, 1 failed (unknown policy, store error), 2 bad arguments (with usage), 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Bad arguments: the command's usage is printed and the exit code is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /** node:util parseArgs errors, without their `TypeError [ERR_PARSE_ARGS_…]:` prefix. */
  static fromParseArgs(error: unknown): UsageError {
    const message = error instanceof Error ? error.message : String(error);
    return new UsageError(message.replace(/^\w*Error \[ERR_[A-Z_]+\]: /, ''));
  }
}

/** An expected failure with a message for the operator (exit code 1, no stack trace). */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor() {
    super('interrupted');
  }
}
