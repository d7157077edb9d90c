import type { CliIo } from '../cli-io';

/**
 * One `policyctl <name> …` command. Add a command by writing `commands/<name>.command.ts` exporting one of these
 * and listing it in the registry of cli.ts.
 */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage text printed with `--help` and after bad arguments. */
  readonly usage: string;
  /**
   * Runs with the arguments after the command name; resolves to the exit code.
   * @throws UsageError for bad arguments (exit 2), CliFailure for an expected failure (exit 1).
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
