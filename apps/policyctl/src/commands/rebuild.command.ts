import { parseArgs } from 'node:util';
import type { EventStore, Position } from '@lib/event-sourcing';
import { rebuildFromLog, RebuildBehindLiveError, type ReadModelStore } from '@lib/read-models';
import { CliFailure, EXIT, Interrupted, UsageError, type CliIo } from '../cli-io';
import { ProgressBar } from '../progress-bar';
import { openEventStore, openReadModelStore } from '../stores';
import type { CliCommand } from './cli-command';

const DEFAULT_BATCH = 1000;
/** Swap attempts: each failed one means the live read models moved on while we finished; read on and retry. */
const MAX_SWAP_ATTEMPTS = 10;

const USAGE = `Usage: policyctl rebuild [--batch-size <n>]

Rebuilds every read model (DESIGN 5) from the event store into fresh tables, then swaps them in atomically:
readers see the old read models until the swap and the new ones after it. Safe while the API (and its embedded
projection) or the Kafka projector runs: the swap waits until the rebuild has caught up with them. The replaced
tables' space goes back to the file system (in SQLite, read-models.sqlite keeps the size of one model; a file
created by an older release is compacted once with a VACUUM, which writers wait for).

The rebuilt tables carry this release's read-model layout version (stored with their checkpoint): a rebuild is
how read models of an older layout (a release that changed the tables or the projections) are upgraded, which the
projector asks for when it refuses to start on them.

An event the projections cannot apply quarantines its stream in the rebuilt read models, as the live projector
does (named on stderr and by \`policyctl quarantine\`): the stream's rows stop before it, every other stream is
rebuilt.

Progress on stderr: events applied / events in the log (SQLite counts them up front; on EventStoreDB a scan of
$all counts them first; events appended meanwhile are added as they are read), events/s and ETA.

Options:
  --batch-size <n>   events read and applied per transaction, 1–10000 (default ${DEFAULT_BATCH})
  -h, --help         this text

Environment: DATA_DIR (default ./data), EVENTSTORE_CONNECTION_STRING (EventStoreDB; else $DATA_DIR/events.sqlite),
READ_MODEL_URL (PostgreSQL; else $DATA_DIR/read-models.sqlite), READ_MODEL_SCHEMA (default read_models).`;

interface RebuildSummary {
  readonly events: number;
  /** Streams the rebuild quarantined at an event it cannot apply. */
  readonly quarantinedStreams: number;
  readonly position: Position | null;
  /** The layout version of the swapped-in tables. */
  readonly layout: string | null;
  readonly seconds: number;
  readonly readModels: ReadModelStore['kind'];
}

function parseRebuildArgs(args: readonly string[]): { batchSize: number } | 'help' {
  let values: { 'batch-size'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { 'batch-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw UsageError.fromParseArgs(error);
  }
  if (values.help) return 'help';
  const rawBatch = values['batch-size'];
  const batchSize = rawBatch === undefined ? DEFAULT_BATCH : /^\d{1,5}$/.test(rawBatch) ? Number(rawBatch) : NaN;
  if (!(batchSize >= 1 && batchSize <= 10_000)) {
    throw new UsageError(`--batch-size must be an integer 1–10000, got ${JSON.stringify(rawBatch)}`);
  }
  return { batchSize };
}

/** Counts $all by reading it (stores that cannot count without reading: EventStoreDB). */
async function scanCount(events: EventStore, io: CliIo, pageSize: number): Promise<number> {
  const progress = new ProgressBar(io.stderr, 'counting events in the log', null);
  let total = 0;
  let after: Position | undefined;
  for (;;) {
    if (io.signal.aborted) throw new Interrupted();
    const page = await events.readAll({ ...(after === undefined ? {} : { after }), maxCount: pageSize });
    if (page.length === 0) break;
    total += page.length;
    after = page[page.length - 1].position;
    progress.update(total);
  }
  progress.finish();
  return total;
}

interface RebuildOptions {
  /** Events read and applied per page; default 1000. */
  readonly batchSize?: number;
  /** How many events the log holds, when the store can tell without reading them; else $all is scanned first. */
  readonly countAll?: () => Promise<number>;
}

/**
 * The rebuild itself (libs/read-models' rebuildFromLog, with progress on stderr), on open stores (also used by tests
 * and `npm run bench:rebuild`). The fresh tables carry this release's layout version, so an older layout is replaced.
 */
export async function rebuildReadModels(
  events: EventStore,
  readModels: ReadModelStore,
  io: CliIo,
  { batchSize = DEFAULT_BATCH, countAll }: RebuildOptions = {},
): Promise<RebuildSummary> {
  const startedAt = performance.now();
  const total = countAll ? await countAll() : await scanCount(events, io, Math.max(batchSize, 5000));
  const progress = new ProgressBar(io.stderr, 'rebuild', total);
  const rebuilt = await rebuildFromLog(events, readModels, {
    batchSize,
    maxSwapAttempts: MAX_SWAP_ATTEMPTS,
    checkStop: () => {
      if (io.signal.aborted) throw new Interrupted();
    },
    onProgress: (done) => progress.update(done, Math.max(total, done)),
    onQuarantine: (event, reason) =>
      io.stderr.write(`\npolicyctl rebuild: quarantined ${event.streamId} at revision ${event.revision}: ${reason}\n`),
  });
  progress.finish();
  const { position, quarantinedStreams } = await readModels.checkpoint();
  return {
    events: rebuilt.events,
    quarantinedStreams,
    position,
    layout: (await readModels.layout()).stored,
    seconds: (performance.now() - startedAt) / 1000,
    readModels: readModels.kind,
  };
}

export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'rebuild every read model from the event store into fresh tables and swap them in',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseRebuildArgs(args);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const events = await openEventStore(io.env, io.stderr);
    try {
      const readModels = await openReadModelStore(io.env);
      try {
        io.stderr.write(`policyctl rebuild: events from ${events.description}, read models in ${readModels.kind}\n`);
        const summary = await rebuildReadModels(events.store, readModels, io, {
          batchSize: parsed.batchSize,
          countAll: events.countAll,
        });
        io.stdout.write(
          `Rebuilt the ${summary.readModels} read models from ${summary.events} events in ` +
            `${summary.seconds.toFixed(2)} s (${Math.round(summary.events / summary.seconds)} events/s) and swapped ` +
            `them in (position ${summary.position ?? 'none'}, layout ${summary.layout ?? 'none'}).\n`,
        );
        if (summary.quarantinedStreams > 0) {
          io.stdout.write(
            `${summary.quarantinedStreams} stream(s) quarantined at an event the projections cannot apply: ` +
              'see `policyctl quarantine`.\n',
          );
        }
        return EXIT.ok;
      } catch (error) {
        if (error instanceof RebuildBehindLiveError) {
          throw new CliFailure(`${error.message} (gave up after ${MAX_SWAP_ATTEMPTS} attempts; the live tables stay)`);
        }
        throw error;
      } finally {
        await readModels.close();
      }
    } finally {
      await events.close();
    }
  },
};
