import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError } from '@lib/config';
import {
  createPolicyApi,
  loadConfig,
  loggerOptions,
  ProductImport,
  type AppConfig,
  type ProductImportOutcome,
} from '@lib/policy-app';
import { CliFailure, EXIT, Interrupted, UsageError, type CliIo } from '../cli-io';
import { ProgressBar } from '../progress-bar';
import type { CliCommand } from './cli-command';

const USAGE = `Usage: policyctl products import <file.json>

Publishes product versions (DESIGN 2.8) from a JSON file: an array of entries, each the body of
POST /v1/products/{code}/versions plus its "productCode" (samples/products.json is the embedded sample catalogue in this
format). Entries are taken in file order, each on its own:
  - an entry whose terms equal the product's latest published version is left alone ("unchanged"), so importing the
    same file again writes nothing;
  - an entry that breaks a rule (the API's validation, then the product rules: free look, tables, loans, nonforfeiture,
    the product's jurisdiction) is reported with every problem ("rejected") and nothing is written for it;
  - every other entry is published as the product's next version ("published").
Valid entries are published even when others are rejected: fix the rejected ones and import the file again (the
published ones are then unchanged). Exit code 1 when an entry was rejected, 0 otherwise.

Output: one line per entry and a summary line (published / unchanged / rejected) on stdout; progress on stderr.
Events are recorded with channel CLI and actor policyctl-products-import.

Options:
  -h, --help   this text

Environment: as the API (DATA_DIR, EVENTSTORE_CONNECTION_STRING, READ_MODEL_URL, KAFKA_BROKERS, JURISDICTION,
LOG_LEVEL). In embedded mode the read models (GET /v1/products) are fed by this process.`;

const ACTOR = 'policyctl-products-import';

function parseProductsArgs(args: readonly string[]): { file: string } | 'help' {
  let values: { help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...args],
      options: { help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw UsageError.fromParseArgs(error);
  }
  if (values.help) return 'help';
  const [action, file, ...rest] = positionals;
  if (action !== 'import')
    throw new UsageError(action === undefined ? 'give an action: import' : `unknown action ${action}`);
  if (file === undefined) throw new UsageError('give the JSON file to import');
  if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
  return { file };
}

function readEntries(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliFailure(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (error) {
    throw new CliFailure(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(entries)) throw new CliFailure(`${file} must hold a JSON array of product entries`);
  return entries;
}

function outcomeLine(outcome: ProductImportOutcome): string {
  const entry = `entry ${outcome.entry + 1}`;
  switch (outcome.outcome) {
    case 'published':
      return `${entry}  ${outcome.productCode}  published version ${outcome.version}`;
    case 'unchanged':
      return `${entry}  ${outcome.productCode}  unchanged (version ${outcome.version})`;
    case 'rejected':
      return `${entry}  ${outcome.productCode ?? '?'}  rejected: ${outcome.problems.join('; ')}`;
    default: {
      const _exhaustive: never = outcome;
      return String(_exhaustive);
    }
  }
}

export const productsCommand: CliCommand = {
  name: 'products',
  summary: 'import product versions from a JSON file (products import <file.json>)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseProductsArgs(args);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const entries = readEntries(parsed.file);
    let config: AppConfig;
    try {
      // This process imports only: no daily timer, no process manager, no sample catalogue of its own.
      config = loadConfig({
        ...io.env,
        SCHEDULER_ENABLED: 'false',
        ORPHAN_REASSIGNMENT_ENABLED: 'false',
        SAMPLE_CATALOGUE: 'false',
      });
    } catch (error) {
      if (error instanceof ConfigError) throw new CliFailure(error.message);
      throw error;
    }
    const logger = pino(loggerOptions(config.logLevel === 'info' ? 'warn' : config.logLevel, 'policyctl'), {
      write: (line: string) => io.stderr.write(io.stderr.isTTY ? `\r\x1b[K${line}` : line),
    });
    const app = await createPolicyApi(config, { logger });
    try {
      await app.init();
      const productImport = app.get(ProductImport);
      const progress = new ProgressBar(io.stderr, 'importing', entries.length, 'entries');
      const counts = { published: 0, unchanged: 0, rejected: 0 };
      for (const [index, entry] of entries.entries()) {
        if (io.signal.aborted) throw new Interrupted();
        const outcome = await productImport.importEntry(index, entry, ACTOR);
        counts[outcome.outcome]++;
        io.stdout.write(`${outcomeLine(outcome)}\n`);
        progress.update(index + 1);
      }
      progress.finish();
      io.stdout.write(
        `${entries.length} entries: ${counts.published} published, ${counts.unchanged} unchanged, ` +
          `${counts.rejected} rejected\n`,
      );
      return counts.rejected > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      await app.close();
    }
  },
};
