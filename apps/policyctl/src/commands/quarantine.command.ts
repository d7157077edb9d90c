import { parseArgs } from 'node:util';
import type { QuarantinedStream } from '@lib/read-models';
import { EXIT, UsageError } from '../cli-io';
import { openReadModelStore } from '../stores';
import type { CliCommand } from './cli-command';

const LIMIT = 1000;

const USAGE = `Usage: policyctl quarantine [--json]

Lists the streams the read models stopped projecting at an event they cannot apply (DESIGN 5, poison events): the
stream, the revision and type of that event, its log position, why, and when. Their read-model rows stop before
that event; every other stream is projected as usual. Once the projector can apply the event (a fixed release),
\`policyctl rebuild\` rebuilds the read models without the quarantine.

Options:
  --json      one JSON document {quarantinedStreams: [...]} on stdout instead of text
  -h, --help  this text

Environment: DATA_DIR (default ./data), READ_MODEL_URL (PostgreSQL; else $DATA_DIR/read-models.sqlite),
READ_MODEL_SCHEMA (default read_models).`;

function formatQuarantine(streams: readonly QuarantinedStream[]): string {
  if (streams.length === 0) return 'No stream is quarantined: the read models project every stream.\n';
  const lines = streams.map(
    (stream) =>
      `${stream.streamId}  at revision ${stream.revision} (${stream.eventType}, position ${stream.position}) ` +
      `since ${stream.quarantinedAt}\n    ${stream.reason}`,
  );
  const more = streams.length >= LIMIT ? `\n(the first ${LIMIT} shown)` : '';
  return `${streams.length} quarantined stream(s):\n${lines.join('\n')}${more}\n`;
}

export const quarantineCommand: CliCommand = {
  name: 'quarantine',
  summary: 'list the streams the read models stopped projecting at an event they cannot apply',
  usage: USAGE,
  async run(args, io) {
    let values: { json?: boolean; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw UsageError.fromParseArgs(error);
    }
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const readModels = await openReadModelStore(io.env, true);
    try {
      const streams = await readModels.quarantinedStreams({ limit: LIMIT });
      io.stdout.write(
        values.json ? `${JSON.stringify({ quarantinedStreams: streams }, null, 2)}\n` : formatQuarantine(streams),
      );
      return EXIT.ok;
    } finally {
      await readModels.close();
    }
  },
};
