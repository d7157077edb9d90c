import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Counter, type Registry } from 'prom-client';
import { EVENT_STORE_HANDLE, type EventStoreHandle } from '../event-store/event-store.module';
import { RunOperation } from '../operations/run-operation';
import { PROBLEM_CODES } from '../problem/api-problem';
import { toApiProblem } from '../problem/error-classification';
import { METRICS_REGISTRY } from './metrics-registry';

// The `outcome` label. created: events were appended · replayed: an Idempotency-Key replay, nothing written ·
// unchanged: the command was accepted but decided no event · rejected: validation, authorisation, not found, exists
// already or a business rule (the problem code says which) · conflict: a concurrent write (retries exhausted, or
// If-Match stale) · failed: the store was unavailable or an unexpected error.

type CommandLabels = 'command' | 'outcome' | 'code';
type CounterSeries = Counter.Internal;

const CONFLICT_CODES = new Set<string>([PROBLEM_CODES.CONCURRENCY_CONFLICT, PROBLEM_CODES.PRECONDITION_FAILED]);

class CommandTypeSeries {
  private readonly byOutcomeAndCode = new Map<string, CounterSeries>();
  readonly created: CounterSeries;
  readonly replayed: CounterSeries;
  readonly unchanged: CounterSeries;

  constructor(
    private readonly counter: Counter<CommandLabels>,
    private readonly command: string,
  ) {
    // Without a code (there is none); shown from the command's first use, at 0 until they happen.
    this.created = counter.labels({ command, outcome: 'created' });
    this.replayed = counter.labels({ command, outcome: 'replayed' });
    this.unchanged = counter.labels({ command, outcome: 'unchanged' });
    for (const series of [this.created, this.replayed, this.unchanged]) series.inc(0);
  }

  succeeded(result: unknown): void {
    if (typeof result !== 'object' || result === null) this.created.inc();
    else if ('replayed' in result && result.replayed === true) this.replayed.inc();
    else if ('events' in result && Array.isArray(result.events) && result.events.length === 0) this.unchanged.inc();
    else this.created.inc();
  }

  refused(outcome: 'rejected' | 'conflict' | 'failed', code: string): void {
    const key = `${outcome} ${code}`;
    let series = this.byOutcomeAndCode.get(key);
    if (series === undefined) {
      series = this.counter.labels({ command: this.command, outcome, code });
      this.byOutcomeAndCode.set(key, series);
    }
    series.inc();
  }
}

/**
 * Command outcomes by command type, counted at the CQRS command bus, so REST, gRPC, the scheduler and the orphan
 * process manager are all seen. The bus's `execute` is wrapped once at start-up; the error is classified with the
 * same mapping the transports use (toApiProblem), so the code is the one the caller got.
 */
@Injectable()
export class CommandMetrics implements OnModuleInit {
  private readonly commands: Counter<CommandLabels>;
  private readonly seriesByName = new Map<string, CommandTypeSeries>();

  constructor(
    private readonly bus: CommandBus,
    @Inject(EVENT_STORE_HANDLE) private readonly eventStore: EventStoreHandle,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.commands = new Counter({
      name: 'policy_api_commands_total',
      help:
        'Commands handled, by command type and outcome (created, replayed, unchanged, rejected, conflict, failed); ' +
        'refused commands carry the problem code.',
      labelNames: ['command', 'outcome', 'code'],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    const execute = this.bus.execute.bind(this.bus);
    const metered = async (...args: Parameters<CommandBus['execute']>): Promise<unknown> => {
      const series = this.seriesOf(args[0]);
      try {
        const result = await execute(...args);
        series.succeeded(result);
        return result;
      } catch (error) {
        const problem = toApiProblem(error, this.eventStore.isUnavailableError);
        const outcome = CONFLICT_CODES.has(problem.code)
          ? 'conflict'
          : problem.kind === 'INTERNAL' || problem.kind === 'UNAVAILABLE'
            ? 'failed'
            : 'rejected';
        series.refused(outcome, problem.code);
        throw error;
      }
    };
    this.bus.execute = metered as CommandBus['execute'];
  }

  /** An operation is labelled with its name (the domain's command type); another command with its class name. */
  private seriesOf(command: object): CommandTypeSeries {
    const name =
      command instanceof RunOperation ? command.operation.name : command.constructor.name.replace(/Command$/, '');
    let series = this.seriesByName.get(name);
    if (series === undefined) {
      series = new CommandTypeSeries(this.commands, name || 'unknown');
      this.seriesByName.set(name, series);
    }
    return series;
  }
}
