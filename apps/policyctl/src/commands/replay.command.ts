import { parseArgs } from 'node:util';
import { EnvReader } from '@lib/config';
import {
  loadAggregate,
  readEventMetadata,
  StreamNotFoundError,
  UnknownEventTypeError,
  UnsupportedSchemaVersionError,
  type EventStore,
  type LoadedState,
  type RecordedEvent,
} from '@lib/event-sourcing';
import {
  agentAggregate,
  agentSnapshot,
  agentStreamId,
  isDomainError,
  isIssued,
  isRealDate,
  isValidPolicyId,
  laterOf,
  policyAggregate,
  policyStreamId,
  policyView,
  POLICY_ID_PATTERN,
  type AgentState,
  type BusinessDate,
  type PolicyEvent,
  type PolicyState,
  type PolicyView,
} from '@lib/policy-domain';
import { readJurisdiction, businessDateOf, systemClock } from '@lib/policy-app';
import { CliFailure, EXIT, UsageError, type CliIo } from '../cli-io';
import { ProgressBar } from '../progress-bar';
import { openEventStore } from '../stores';
import type { CliCommand } from './cli-command';
import { describeEventData } from './event-summary';

const USAGE = `Usage: policyctl replay <policyId> [--as-of <instant> | --revision <n>] [--effective-on <date>] [--json]

Prints the audit trail of a policy (DESIGN 2.6): every event with its revision, recordedAt, type and schema version,
actor (id and roles), channel, correlation and causation ids, idempotency key and a summary of its business data;
then the policy state those events produce, as the contract in force on a business date (DESIGN 2.7): its terms,
schedule and status by law that day beside the recorded status, with the endorsements scheduled after it.

Options:
  --as-of <instant>       only the events recorded at or before this ISO-8601 instant ("what did we know at T")
  --revision <n>          only the events up to and including revision n (0-based)
  --effective-on <date>   the business date YYYY-MM-DD to show the contract on ("what was in force on D"); default
                          today in BUSINESS_TIME_ZONE, or the policy's effective date while it lies after today
  --json                  one JSON document {policyId, at, latestRevision, events, state} on stdout instead of text
  -h, --help              this text

Exit codes: 0 printed, 1 unknown policy (or nothing recorded by then, a date before the policy took effect, or an
event this version cannot read: an unknown type or a newer schema version, named by stream and revision), 2 bad
arguments.
Environment: DATA_DIR (default ./data), EVENTSTORE_CONNECTION_STRING (EventStoreDB; else $DATA_DIR/events.sqlite),
BUSINESS_TIME_ZONE (IANA zone of "today"; default, as the API, the zone of JURISDICTION: CN Asia/Shanghai,
US America/New_York).`;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

interface ReplayOptions {
  readonly policyId: string;
  readonly asOf?: string;
  readonly revision?: number;
  /** The business date to show the contract on; default `today` (or the policy's effective date, if later). */
  readonly effectiveOn?: BusinessDate;
  /** Today's business date (in BUSINESS_TIME_ZONE). */
  readonly today: BusinessDate;
}

interface AuditEntry {
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

interface Replay {
  readonly policyId: string;
  /** Which events were folded (asOf, revision) and the business date the contract is shown on. */
  readonly at: { readonly asOf?: string; readonly revision?: number; readonly effectiveOn: BusinessDate };
  /** The stream's latest revision (the trail may stop before it). */
  readonly latestRevision: number;
  readonly events: readonly AuditEntry[];
  readonly state: PolicyView;
}

type ReplayArgs = Omit<ReplayOptions, 'today'> & { readonly json: boolean };

function parseReplayArgs(args: readonly string[]): ReplayArgs | 'help' {
  let parsed: {
    values: { 'as-of'?: string; revision?: string; 'effective-on'?: string; json?: boolean; help?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        'as-of': { type: 'string' },
        revision: { type: 'string' },
        'effective-on': { type: 'string' },
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
  const effectiveOn = values['effective-on'];
  if (effectiveOn !== undefined && !isRealDate(effectiveOn)) {
    throw new UsageError(
      `--effective-on must be a real calendar date YYYY-MM-DD such as 2026-09-01, got ${JSON.stringify(effectiveOn)}`,
    );
  }
  return {
    policyId,
    ...(asOf === undefined ? {} : { asOf }),
    ...(rawRevision === undefined ? {} : { revision: Number(rawRevision) }),
    ...(effectiveOn === undefined ? {} : { effectiveOn }),
    json: values.json === true,
  };
}

/**
 * Today's business date on the wall clock, in BUSINESS_TIME_ZONE as the API reads it (default: the zone of
 * JURISDICTION, itself CN by default).
 */
export function businessToday(env: NodeJS.ProcessEnv, now: string = systemClock.now()): BusinessDate {
  const read = new EnvReader(env);
  const { businessTimeZone } = readJurisdiction(read);
  if (read.problems.length > 0) throw new CliFailure(read.problems.join('\n'));
  return businessDateOf(now, businessTimeZone);
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

/** Whether the codec refused the event as unknown to this version (a type it lacks, a schema version newer than its). */
function isUnreadable(error: unknown): boolean {
  return (
    error instanceof UnknownEventTypeError ||
    error instanceof UnsupportedSchemaVersionError ||
    (error instanceof Error && error.name === 'UnreadableEventError')
  );
}

/**
 * One line for the operator instead of a stack: which stream, which revision, which event, and what to do. `revision`
 * is read from the error when it names one (the kernel's UnreadableEventError).
 */
function unreadableFailure(streamId: string, error: unknown, event?: RecordedEvent): CliFailure | undefined {
  if (!isUnreadable(error)) return undefined;
  const revision = event?.revision ?? (error as { revision?: unknown }).revision;
  const type = event?.type ?? (error as { type?: unknown }).type;
  const version =
    event === undefined
      ? (error as { schemaVersion?: unknown }).schemaVersion
      : readEventMetadata(event.metadata).schemaVersion;
  const at = typeof revision === 'number' ? ` revision ${revision}` : '';
  const what =
    typeof type === 'string' ? `event ${type}${typeof version === 'number' ? ` schema v${version}` : ''}` : 'an event';
  return new CliFailure(
    `stream ${streamId}${at}: this version of policyctl cannot read ${what} (an unknown type or a newer schema ` +
      'version); run the policyctl of the release that wrote it',
  );
}

/** Decodes one event of the policy stream; an event this version cannot read ends the replay with one clear line. */
function decodeOrFail(event: RecordedEvent, schemaVersion: number): PolicyEvent {
  try {
    return policyAggregate.codec.decode({ type: event.type, data: event.data, schemaVersion });
  } catch (error) {
    throw unreadableFailure(event.streamId, error, event) ?? error;
  }
}

/**
 * Reads the policy's stream and folds it as the API's GET /v1/policies/{id} does (up to a revision, or the events
 * recorded at or before an instant), keeping every folded event's audit metadata, and shows the contract as in force
 * on `effectiveOn` (the same default as the API).
 * @throws CliFailure for an unknown policy, a revision it does not have, no events recorded by `asOf`, or a date
 * before the policy took effect.
 */
async function replayPolicy(events: EventStore, options: ReplayOptions, io?: CliIo): Promise<Replay> {
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
  const { decider } = policyAggregate;
  let state: PolicyState = decider.initialState();
  const folded: RecordedEvent[] = [];
  for (const event of recorded) {
    if (revision !== undefined && event.revision > revision) break;
    const metadata = readEventMetadata(event.metadata);
    if (asOfMillis !== undefined && metadata.recordedAt !== undefined && Date.parse(metadata.recordedAt) > asOfMillis)
      break;
    state = decider.evolve(state, decodeOrFail(event, metadata.schemaVersion));
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
  const agentStream = agentStreamId(state.servicing.agentId);
  let agent: LoadedState<AgentState>;
  try {
    agent = await loadAggregate(
      events,
      agentAggregate,
      agentStream,
      agentAsOf === undefined ? {} : { asOf: agentAsOf },
    );
  } catch (error) {
    throw unreadableFailure(agentStream, error) ?? error;
  }
  const effectiveOn = options.effectiveOn ?? laterOf(options.today, state.effectiveDate);
  let view: PolicyView;
  try {
    view = policyView(state, { revision: last.revision, effectiveOn, servicingAgent: agentSnapshot(agent.state) });
  } catch (error) {
    if (isDomainError(error)) throw new CliFailure(`${error.code}: ${error.detail}`);
    throw error;
  }
  return {
    policyId,
    at: {
      ...(asOf === undefined ? {} : { asOf }),
      ...(revision === undefined ? {} : { revision }),
      effectiveOn,
    },
    latestRevision,
    events: folded.map(auditEntry),
    state: view,
  };
}

/** The human-readable audit trail. */
function formatReplay(replay: Replay): string {
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
    for (const line of describeEventData(entry.data)) lines.push(`    ${line}`);
  }
  const { state } = replay;
  const recorded = `${state.status}${state.statusReason ? ` (${state.statusReason})` : ''}`;
  const byLaw = `${state.statusByLaw}${state.suspendedSince === null ? '' : ` since ${state.suspendedSince}`}`;
  lines.push(
    '',
    `Resulting state (revision ${state.revision}): ${recorded}`,
    `Contract in force on ${state.effectiveOn}: status by law ${byLaw}`,
    JSON.stringify(state, null, 2),
  );
  return `${lines.join('\n')}\n`;
}

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: "print a policy's audit trail and the state it produces (as of an instant or revision, on a business date)",
  usage: USAGE,
  async run(args, io) {
    const parsed = parseReplayArgs(args);
    if (parsed === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    const { json, ...options } = parsed;
    const today = businessToday(io.env);
    const events = await openEventStore(io.env, io.stderr);
    try {
      const replay = await replayPolicy(events.store, { ...options, today }, io);
      io.stdout.write(json ? `${JSON.stringify(replay, null, 2)}\n` : formatReplay(replay));
      return EXIT.ok;
    } finally {
      await events.close();
    }
  },
};
