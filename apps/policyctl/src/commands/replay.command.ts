import { parseArgs } from 'node:util';
import {
  loadAggregate,
  readEventMetadata,
  StreamNotFoundError,
  type EventStore,
  type RecordedEvent,
} from '@lib/event-sourcing';
import {
  agentAggregate,
  agentSnapshot,
  agentStreamId,
  isIssued,
  isValidPolicyId,
  policyAggregate,
  policyStreamId,
  policyView,
  POLICY_ID_PATTERN,
  type PolicyState,
  type PolicyView,
} from '@lib/policy-domain';
import { CliFailure, EXIT, UsageError, type CliIo } from '../cli-io';
import { ProgressBar } from '../progress-bar';
import { openEventStore } from '../stores';
import type { CliCommand } from './cli-command';
import { summarizeEventData } from './event-summary';

const USAGE = `Usage: policyctl replay <policyId> [--as-of <instant>] [--revision <n>] [--json]

Prints the audit trail of a policy (DESIGN 2.6): every event with its revision, recordedAt, type and schema version,
actor (id and roles), channel, correlation and causation ids, idempotency key and a summary of its business data;
then the policy state those events produce.

Options:
  --as-of <instant>  only the events recorded at or before this ISO-8601 instant ("what did we know at T")
  --revision <n>     only the events up to and including revision n (0-based)
  --json             one JSON document {policyId, at, events, state} on stdout instead of text
  -h, --help         this text

Exit codes: 0 printed, 1 unknown policy (or nothing recorded by then), 2 bad arguments.
Environment: DATA_DIR (default ./data), EVENTSTORE_CONNECTION_STRING (EventStoreDB; else $DATA_DIR/events.sqlite).`;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface ReplayOptions {
  readonly policyId: string;
  readonly asOf?: string;
  readonly revision?: number;
}

export interface AuditEntry {
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly recordedAt: string | null;
  readonly actor: { readonly id: string; readonly roles: readonly string[] } | null;
  readonly channel: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly idempotencyKey: string | null;
  readonly data: Record<string, unknown>;
}

export interface Replay {
  readonly policyId: string;
  readonly at: { readonly asOf?: string; readonly revision?: number };
  /** The stream's latest revision (the trail may stop before it). */
  readonly latestRevision: number;
  readonly events: readonly AuditEntry[];
  readonly state: PolicyView;
}

function parseReplayArgs(args: readonly string[]): (ReplayOptions & { json: boolean }) | 'help' {
  let parsed: {
    values: { 'as-of'?: string; revision?: string; json?: boolean; help?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        'as-of': { type: 'string' },
        revision: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw UsageError.fromParseArgs(error);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'a policy id is required' : 'give exactly one policy id');
  }
  const [policyId] = positionals;
  if (!isValidPolicyId(policyId)) {
    throw new UsageError(`policy id ${JSON.stringify(policyId)} must match ${POLICY_ID_PATTERN.source}`);
  }
  const asOf = values['as-of'];
  if (asOf !== undefined && !(INSTANT.test(asOf) && Number.isFinite(Date.parse(asOf)))) {
    throw new UsageError(
      `--as-of must be an ISO-8601 instant such as 2026-03-01T12:00:00Z, got ${JSON.stringify(asOf)}`,
    );
  }
  const rawRevision = values.revision;
  if (rawRevision !== undefined && !/^(0|[1-9]\d{0,14})$/.test(rawRevision)) {
    throw new UsageError(`--revision must be a non-negative integer, got ${JSON.stringify(rawRevision)}`);
  }
  if (asOf !== undefined && rawRevision !== undefined)
    throw new UsageError('give either --as-of or --revision, not both');
  return {
    policyId,
    ...(asOf === undefined ? {} : { asOf }),
    ...(rawRevision === undefined ? {} : { revision: Number(rawRevision) }),
    json: values.json === true,
  };
}

function auditEntry(event: RecordedEvent): AuditEntry {
  const metadata = readEventMetadata(event.metadata);
  return {
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: metadata.schemaVersion,
    recordedAt: metadata.recordedAt ?? null,
    actor: metadata.actor === undefined ? null : { id: metadata.actor.id, roles: [...metadata.actor.roles] },
    channel: metadata.channel ?? null,
    correlationId: metadata.correlationId ?? null,
    causationId: metadata.causationId ?? null,
    idempotencyKey: metadata.idempotencyKey ?? null,
    data: event.data,
  };
}

/**
 * Reads the policy's stream and folds it as the API's GET /v1/policies/{id} does (up to a revision, or the events
 * recorded at or before an instant), keeping every folded event's audit metadata.
 * @throws CliFailure for an unknown policy, a revision it does not have, or no events recorded by `asOf`.
 */
export async function replayPolicy(events: EventStore, options: ReplayOptions, io?: CliIo): Promise<Replay> {
  const { policyId, asOf, revision } = options;
  let recorded: RecordedEvent[];
  try {
    recorded = await events.readStream(policyStreamId(policyId));
  } catch (error) {
    if (error instanceof StreamNotFoundError) throw new CliFailure(`policy ${policyId} not found`);
    throw error;
  }
  const latestRevision = recorded[recorded.length - 1].revision;
  if (revision !== undefined && revision > latestRevision) {
    throw new CliFailure(`policy ${policyId} has no revision ${revision} (latest ${latestRevision})`);
  }
  const asOfMillis = asOf === undefined ? undefined : Date.parse(asOf);
  const progress = io?.stderr.isTTY ? new ProgressBar(io.stderr, `replay ${policyId}`, recorded.length) : undefined;
  const { decider, codec } = policyAggregate;
  let state: PolicyState = decider.initialState();
  const folded: RecordedEvent[] = [];
  for (const event of recorded) {
    if (revision !== undefined && event.revision > revision) break;
    const metadata = readEventMetadata(event.metadata);
    if (asOfMillis !== undefined && metadata.recordedAt !== undefined && Date.parse(metadata.recordedAt) > asOfMillis)
      break;
    state = decider.evolve(
      state,
      codec.decode({ type: event.type, data: event.data, schemaVersion: metadata.schemaVersion }),
    );
    folded.push(event);
    progress?.update(folded.length);
  }
  progress?.finish();
  if (folded.length === 0 || !isIssued(state)) {
    throw new CliFailure(
      asOf === undefined
        ? `policy ${policyId} not found`
        : `policy ${policyId} had no recorded events at or before ${asOf}`,
    );
  }
  const last = folded[folded.length - 1];
  // Orphaned = the servicing agent had departed at the same point in time as the state shown (as the API does).
  const agentAsOf = asOf ?? (revision === undefined ? undefined : readEventMetadata(last.metadata).recordedAt);
  const agent = await loadAggregate(
    events,
    agentAggregate,
    agentStreamId(state.servicing.agentId),
    agentAsOf === undefined ? {} : { asOf: agentAsOf },
  );
  return {
    policyId,
    at: { ...(asOf === undefined ? {} : { asOf }), ...(revision === undefined ? {} : { revision }) },
    latestRevision,
    events: folded.map(auditEntry),
    state: policyView(state, {
      revision: last.revision,
      effectiveOn: state.lastTransactionDate,
      servicingAgent: agentSnapshot(agent.state),
    }),
  };
}

/** The human-readable audit trail. */
export function formatReplay(replay: Replay): string {
  const lines: string[] = [];
  const shown = replay.events.length;
  const scope =
    replay.at.asOf !== undefined
      ? `recorded at or before ${replay.at.asOf}`
      : replay.at.revision !== undefined
        ? `up to revision ${replay.at.revision}`
        : 'all';
  lines.push(
    `Policy ${replay.policyId}: ${shown} event${shown === 1 ? '' : 's'} (${scope}; latest revision ${replay.latestRevision})`,
    '',
  );
  for (const entry of replay.events) {
    const actor = entry.actor === null ? 'unknown actor' : `${entry.actor.id} [${entry.actor.roles.join('+')}]`;
    lines.push(`#${entry.revision}  ${entry.recordedAt ?? '(no recordedAt)'}  ${entry.type} v${entry.schemaVersion}`);
    lines.push(
      `    actor ${actor}  channel ${entry.channel ?? '-'}  correlation ${entry.correlationId ?? '-'}  ` +
        `causation ${entry.causationId ?? '-'}  idempotency-key ${entry.idempotencyKey ?? '-'}`,
    );
    lines.push(`    ${summarizeEventData(entry.data)}`);
  }
  const { state } = replay;
  lines.push(
    '',
    `Resulting state (revision ${state.revision}): ${state.status}${state.statusReason ? ` (${state.statusReason})` : ''}`,
    JSON.stringify(state, null, 2),
  );
  return `${lines.join('\n')}\n`;
}

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: "print a policy's audit trail and the state it produces (optionally as of an instant or revision)",
  usage: USAGE,
  async run(args, io) {
    const parsed = parseReplayArgs(args);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const { json, ...options } = parsed;
    const events = await openEventStore(io.env);
    try {
      const replay = await replayPolicy(events.store, options, io);
      io.stdout.write(json ? `${JSON.stringify(replay, null, 2)}\n` : formatReplay(replay));
      return EXIT.ok;
    } finally {
      await events.store.close();
    }
  },
};
