import { CliFailure, EXIT, Interrupted, UsageError, type CliIo } from './cli-io';
import type { CliCommand } from './commands/cli-command';
import { productsCommand } from './commands/products.command';
import { quarantineCommand } from './commands/quarantine.command';
import { rebuildCommand } from './commands/rebuild.command';
import { replayCommand } from './commands/replay.command';
import { runDayCommand } from './commands/run-day.command';

/** Every command of policyctl; a new one (e.g. `run-day`) is one more module in commands/ and one entry here. */
const COMMANDS: readonly CliCommand[] = [
  rebuildCommand,
  replayCommand,
  runDayCommand,
  quarantineCommand,
  productsCommand,
];

function mainUsage(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: policyctl <command> [options]',
    '',
    'Operations on the policy servicing event store and its read models (DESIGN 1 and 5).',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run `policyctl <command> --help` for a command's options.",
  ].join('\n');
}

/** Runs one command line (without `node main.js`) and resolves to the process exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo, commands = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${mainUsage(commands)}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr.write(`policyctl: unknown command ${JSON.stringify(name)}\n\n${mainUsage(commands)}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`policyctl ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof Interrupted) {
      io.stderr.write(`\npolicyctl ${command.name}: interrupted; nothing was swapped in or changed\n`);
      return EXIT.interrupted;
    }
    if (error instanceof CliFailure) {
      io.stderr.write(`policyctl ${command.name}: ${error.message}\n`);
      return EXIT.failed;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`policyctl ${command.name}: failed: ${detail}\n`);
    return EXIT.failed;
  }
}
