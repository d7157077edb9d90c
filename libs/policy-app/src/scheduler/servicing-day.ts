import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Actor, IdGenerator } from '@lib/event-sourcing';
import { addDays, isRealDate, type BusinessDate, type ReminderChannel } from '@lib/policy-domain';
import type { ReportPage, SurvivalBenefitReportRow } from '@lib/read-models';
import type { Logger } from 'pino';
import type { RequestContext } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ID_GENERATOR } from '../event-store/tokens';
import { LOGGER } from '../logging/logger';
import { runOperation, type OperationResult, type RunOperation } from '../operations/run-operation';
import { applyAutomaticPremiumLoan } from '../policies/apply-automatic-premium-loan/apply-automatic-premium-loan.operation';
import { electNonforfeitureOption } from '../policies/elect-nonforfeiture-option/elect-nonforfeiture-option.operation';
import { capitalizePolicyLoanInterest } from '../policies/capitalize-policy-loan-interest/capitalize-policy-loan-interest.operation';
import { GetLoanQuoteQuery, type LoanQuoteResult } from '../policies/get-loan-quote/get-loan-quote.query';
import { lapsePolicy } from '../policies/lapse-policy/lapse-policy.operation';
import { sendLoanWarning } from '../policies/send-loan-warning/send-loan-warning.operation';
import { sendPremiumReminder } from '../policies/send-premium-reminder/send-premium-reminder.operation';
import { terminatePolicy } from '../policies/terminate-policy/terminate-policy.operation';
import { ReadModelConnection } from '../projections/read-model-connection';
import { ReadModelCatchUp } from './read-model-catch-up';
import { ruleRejectionCode } from './rule-rejection';
import { oneStateChangePerPolicy, type DayStateChanges } from './state-changes-of-day';
import {
  expiryKey,
  lapseExpiredKey,
  automaticPremiumLoanKey,
  lapseKey,
  loanInterestCapitalizationKey,
  loanLapseKey,
  loanWarningKey,
  nonforfeitureKey,
  overdueNoticeKey,
  PRE_DUE_REMINDER_DAYS,
  preDueReminderKey,
  type PreDueReminderDays,
} from './scheduler-keys';

/** The scheduler acts as the `system` role (DESIGN 3: reminders, lapses, LAPSE_EXPIRED and EXPIRY terminations). */
const SCHEDULER_ACTOR: Actor = { id: 'system', roles: ['system'] };

export type ScheduledAction =
  | 'LAPSE_EXPIRED_TERMINATION'
  | 'EXPIRY_TERMINATION'
  | 'LAPSE'
  | 'OVERDUE_NOTICE'
  | 'PRE_DUE_REMINDER'
  | 'LOAN_INTEREST_CAPITALIZATION'
  | 'AUTOMATIC_PREMIUM_LOAN'
  | 'NONFORFEITURE_CONVERSION'
  | 'LOAN_WARNING'
  | 'LOAN_LAPSE';
/**
 * sent: events written · replayed: done before (same key) · skipped: a business rule rejected it, or the policy does
 * not exist · failed: anything else, concurrency conflicts included (running the day again retries it).
 */
type CommandOutcome = 'sent' | 'replayed' | 'skipped' | 'failed';

interface ActionCounts {
  sent: number;
  replayed: number;
  skipped: number;
  failed: number;
}

export interface ServicingDayReport {
  readonly date: BusinessDate;
  readonly actions: Record<ScheduledAction, ActionCounts>;
  /**
   * Survival benefits falling due today: the servicing desk's work list. No event is written for them — the due date
   * is already a fact of the policy's plan, and payment needs a supervisor and a life confirmation; the desk works from
   * these rows (and from GET /v1/reports/survival-benefits, status DUE).
   */
  readonly survivalBenefitsDue: readonly SurvivalBenefitReportRow[];
}

interface ScheduledCommand {
  readonly action: ScheduledAction;
  readonly policyId: string;
  readonly idempotencyKey: string;
  readonly build: (context: RequestContext) => RunOperation;
}

/** Commands of one phase in flight at once: enough to fill the store's group commit, few enough to stay polite. */
const CONCURRENCY = 8;
const PAGE_LIMIT = 500;

async function allRows<Row>(fetch: (cursor: string | null) => Promise<ReportPage<Row>>): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetch(cursor);
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return rows;
}

function emptyCounts(): Record<ScheduledAction, ActionCounts> {
  const counts = () => ({ sent: 0, replayed: 0, skipped: 0, failed: 0 });
  return {
    LAPSE_EXPIRED_TERMINATION: counts(),
    EXPIRY_TERMINATION: counts(),
    LAPSE: counts(),
    OVERDUE_NOTICE: counts(),
    PRE_DUE_REMINDER: counts(),
    LOAN_INTEREST_CAPITALIZATION: counts(),
    AUTOMATIC_PREMIUM_LOAN: counts(),
    NONFORFEITURE_CONVERSION: counts(),
    LOAN_WARNING: counts(),
    LOAN_LAPSE: counts(),
  };
}

/**
 * The servicing day (DESIGN 6) for a business date D: finds the due work in the read models and sends it through the
 * command bus as the `system` actor on channel SCHEDULER, each command with a deterministic idempotency key.
 *
 * Phase 1 (state changes, at most one per policy: oneStateChangePerPolicy): LAPSE_EXPIRED terminations for lapses
 * whose reinstatement deadline lies before D, EXPIRY terminations for open policies whose maturity date is on or
 * before D and whose plan has no MATURITY benefit, and lapses for policies whose lapse-eligible date (DESIGN 2.4,
 * computed by the domain) is on or before D. Phase 2 (after the read models saw phase 1): overdue notices for open
 * installments due on D − 1, pre-due reminders for open installments due on D + 30 and D + 7, and the survival
 * benefits due on D.
 *
 * The read models only propose work; each command re-checks its rules on the policy's own events, so a stale row can
 * only cause a logged skip, never a wrong event. Every command is logged with its outcome.
 */
@Injectable()
export class ServicingDay {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly catchUp: ReadModelCatchUp,
    private readonly readModels: ReadModelConnection,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** @throws RangeError for a date that is not a real YYYY-MM-DD; ReadModelCatchUpTimeoutError when the feed stalls. */
  async run(date: BusinessDate): Promise<ServicingDayReport> {
    if (!isRealDate(date)) throw new RangeError(`Not a business date: ${JSON.stringify(date)}`);
    const correlationId = `run-day-${date}-${this.ids.newId()}`;
    const counts = emptyCounts();
    const log = this.logger.child({ component: 'scheduler', date, correlationId });
    const { catchUpTimeoutMs } = this.config.scheduler;

    await this.catchUp.waitUntilCaughtUp(catchUpTimeoutMs);
    // On a lapse date the automatic premium loan comes first (DESIGN 6): where it pays, nothing lapses.
    await this.send(await this.automaticPremiumLoans(date), { correlationId, counts, log });
    await this.catchUp.waitUntilCaughtUp(catchUpTimeoutMs);
    // Then the product's default nonforfeiture option (refused where the product has none or nothing is left).
    await this.send(await this.nonforfeitureConversions(date), { correlationId, counts, log });
    await this.catchUp.waitUntilCaughtUp(catchUpTimeoutMs);
    await this.send(await this.stateChanges(date), { correlationId, counts, log });

    await this.catchUp.waitUntilCaughtUp(catchUpTimeoutMs);
    await this.send(
      [
        ...(await this.overdueNotices(date)),
        ...(await this.preDueReminders(date)),
        ...(await this.loanInterestCapitalizations(date)),
        ...(await this.loanWarningsAndLapses(date)),
      ],
      {
        correlationId,
        counts,
        log,
      },
    );
    const readModels = await this.readModels.store();
    const survivalBenefitsDue = await allRows((cursor) =>
      readModels.survivalBenefitsDueOn({ date, cursor, limit: PAGE_LIMIT }),
    );
    for (const benefit of survivalBenefitsDue) {
      log.info(
        {
          action: 'SURVIVAL_BENEFIT_DUE',
          policyId: benefit.policyId,
          periodNo: benefit.periodNo,
          kind: benefit.kind,
          amount: benefit.amount,
          currency: benefit.currency,
          branchCode: benefit.branchCode,
        },
        'survival benefit due: for the servicing desk (payment needs a supervisor and a life confirmation)',
      );
    }
    const report: ServicingDayReport = { date, actions: counts, survivalBenefitsDue };
    log.info({ actions: counts, survivalBenefitsDue: survivalBenefitsDue.length }, 'servicing day done');
    return report;
  }

  private async stateChanges(date: BusinessDate): Promise<ScheduledCommand[]> {
    const readModels = await this.readModels.store();
    const proposed: DayStateChanges = {
      lapseExpired: await allRows((cursor) => readModels.lapsedWithDeadlineBefore({ date, cursor, limit: PAGE_LIMIT })),
      expiries: await allRows((cursor) => readModels.policiesExpiringBy({ date, cursor, limit: PAGE_LIMIT })),
      lapses: await allRows((cursor) => readModels.policiesEligibleForLapse({ date, cursor, limit: PAGE_LIMIT })),
    };
    const { lapseExpired, expiries, lapses } = oneStateChangePerPolicy(proposed);
    return [
      ...lapseExpired.map((row): ScheduledCommand => ({
        action: 'LAPSE_EXPIRED_TERMINATION',
        policyId: row.policyId,
        idempotencyKey: lapseExpiredKey(row.policyId, row.lapseNo, date),
        build: (context) =>
          runOperation(
            terminatePolicy,
            { policyId: row.policyId },
            { terminatedOn: date, reason: 'LAPSE_EXPIRED' },
            context,
          ),
      })),
      ...expiries.map((row): ScheduledCommand => ({
        action: 'EXPIRY_TERMINATION',
        policyId: row.policyId,
        // The term ends on the maturity date (DESIGN 2.2), also when the day's run is late or re-run for a later day.
        idempotencyKey: expiryKey(row.policyId, row.maturityDate),
        build: (context) =>
          runOperation(
            terminatePolicy,
            { policyId: row.policyId },
            { terminatedOn: row.maturityDate, reason: 'EXPIRY' },
            context,
          ),
      })),
      ...lapses.map((row): ScheduledCommand => ({
        action: 'LAPSE',
        policyId: row.policyId,
        idempotencyKey: lapseKey(row.policyId, row.installmentNo, date),
        build: (context) => runOperation(lapsePolicy, { policyId: row.policyId }, { lapsedOn: date }, context),
      })),
    ];
  }

  /**
   * The lapse candidates of the day that elected the automatic premium loan are offered it first: one whose net cash
   * value does not cover the installment is refused (a logged skip) and lapses in the next phase.
   */
  private async automaticPremiumLoans(date: BusinessDate): Promise<ScheduledCommand[]> {
    const readModels = await this.readModels.store();
    const rows = await allRows((cursor) => readModels.policiesEligibleForLapse({ date, cursor, limit: PAGE_LIMIT }));
    return rows
      .filter((row) => row.automaticPremiumLoan)
      .map((row): ScheduledCommand => ({
        action: 'AUTOMATIC_PREMIUM_LOAN',
        policyId: row.policyId,
        idempotencyKey: automaticPremiumLoanKey(row.policyId, row.installmentNo, date),
        build: (context) =>
          runOperation(applyAutomaticPremiumLoan, { policyId: row.policyId }, { appliedOn: date }, context),
      }));
  }

  /**
   * The remaining lapse candidates are offered their product's default nonforfeiture option: a product without one,
   * or a policy without net cash value, refuses it (a logged skip) and the policy lapses in the next phase.
   */
  private async nonforfeitureConversions(date: BusinessDate): Promise<ScheduledCommand[]> {
    const readModels = await this.readModels.store();
    const rows = await allRows((cursor) => readModels.policiesEligibleForLapse({ date, cursor, limit: PAGE_LIMIT }));
    return rows.map((row): ScheduledCommand => ({
      action: 'NONFORFEITURE_CONVERSION',
      policyId: row.policyId,
      idempotencyKey: nonforfeitureKey(row.policyId, row.installmentNo, date),
      build: (context) =>
        runOperation(electNonforfeitureOption, { policyId: row.policyId }, { effectiveOn: date }, context),
    }));
  }

  /**
   * Open loan accounts whose debt on D reached the cash value lapse (LOAN_EXCEEDS_CASH_VALUE); those at 90 % or more
   * are warned first (DESIGN 2.10). The quote decides which; the command re-checks on the policy's own events.
   */
  private async loanWarningsAndLapses(date: BusinessDate): Promise<ScheduledCommand[]> {
    const readModels = await this.readModels.store();
    const rows = await allRows((cursor) => readModels.loans({ cursor, limit: PAGE_LIMIT }));
    const commands: ScheduledCommand[] = [];
    for (const row of rows) {
      let quote: LoanQuoteResult;
      try {
        quote = await this.queryBus.execute(new GetLoanQuoteQuery(row.policyId, date));
      } catch (error) {
        if (ruleRejectionCode(error) !== null) continue;
        throw error;
      }
      const { debt, cashValue } = quote;
      if (debt.amount >= cashValue.amount) {
        commands.push({
          action: 'LOAN_LAPSE',
          policyId: row.policyId,
          idempotencyKey: loanLapseKey(row.policyId, date),
          build: (context) =>
            runOperation(
              lapsePolicy,
              { policyId: row.policyId },
              { lapsedOn: date, cause: 'LOAN_EXCEEDS_CASH_VALUE' },
              context,
            ),
        });
      } else if (debt.amount * 10 >= cashValue.amount * 9) {
        commands.push({
          action: 'LOAN_WARNING',
          policyId: row.policyId,
          idempotencyKey: loanWarningKey(row.policyId, date),
          build: (context) =>
            runOperation(sendLoanWarning, { policyId: row.policyId }, { sentOn: date, channel: 'LETTER' }, context),
        });
      }
    }
    return commands;
  }

  /** Loan interest capitalized on each anniversary it fell due by D (DESIGN 2.10; a late run catches up, once). */
  private async loanInterestCapitalizations(date: BusinessDate): Promise<ScheduledCommand[]> {
    const readModels = await this.readModels.store();
    const rows = await allRows((cursor) => readModels.loansDueForCapitalization({ date, cursor, limit: PAGE_LIMIT }));
    return rows.flatMap((row): ScheduledCommand[] => {
      const anniversary = row.nextCapitalizationOn;
      if (anniversary === null) return [];
      return [
        {
          action: 'LOAN_INTEREST_CAPITALIZATION',
          policyId: row.policyId,
          idempotencyKey: loanInterestCapitalizationKey(row.policyId, anniversary),
          build: (context) =>
            runOperation(capitalizePolicyLoanInterest, { policyId: row.policyId }, { anniversary }, context),
        },
      ];
    });
  }

  private async overdueNotices(date: BusinessDate): Promise<ScheduledCommand[]> {
    const readModels = await this.readModels.store();
    const dueYesterday = addDays(date, -1);
    const rows = await allRows((cursor) =>
      readModels.installmentsDueBetween({ from: dueYesterday, to: dueYesterday, cursor, limit: PAGE_LIMIT }),
    );
    return rows.flatMap((row) =>
      this.config.scheduler.overdueNoticeChannels.map((channel): ScheduledCommand => ({
        action: 'OVERDUE_NOTICE',
        policyId: row.policyId,
        idempotencyKey: overdueNoticeKey(row.policyId, row.installmentNo, row.dueDate, channel),
        build: (context) => reminder(row.policyId, row.installmentNo, 'OVERDUE_NOTICE', channel, date, context),
      })),
    );
  }

  private async preDueReminders(date: BusinessDate): Promise<ScheduledCommand[]> {
    const readModels = await this.readModels.store();
    const commands: ScheduledCommand[] = [];
    for (const daysBefore of PRE_DUE_REMINDER_DAYS) {
      const dueDate = addDays(date, daysBefore);
      const rows = await allRows((cursor) =>
        readModels.installmentsDueBetween({ from: dueDate, to: dueDate, cursor, limit: PAGE_LIMIT }),
      );
      for (const row of rows) {
        for (const channel of this.config.scheduler.reminderChannels) {
          commands.push(preDue(row.policyId, row.installmentNo, row.dueDate, daysBefore, channel, date));
        }
      }
    }
    return commands;
  }

  private async send(
    commands: readonly ScheduledCommand[],
    run: { correlationId: string; counts: Record<ScheduledAction, ActionCounts>; log: Logger },
  ): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < commands.length) {
        const scheduled = commands[next++];
        const outcome = await this.execute(scheduled, run.correlationId, run.log);
        run.counts[scheduled.action][outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, commands.length) }, worker));
  }

  private async execute(scheduled: ScheduledCommand, correlationId: string, log: Logger): Promise<CommandOutcome> {
    const context: RequestContext = {
      actor: SCHEDULER_ACTOR,
      channel: 'SCHEDULER',
      correlationId,
      idempotencyKey: scheduled.idempotencyKey,
    };
    const entry = { action: scheduled.action, policyId: scheduled.policyId, idempotencyKey: scheduled.idempotencyKey };
    try {
      const result: OperationResult = await this.commandBus.execute(scheduled.build(context));
      const outcome = result.replayed ? 'replayed' : 'sent';
      log.info(
        { ...entry, outcome, events: result.events.map((event) => event.type) },
        `${scheduled.action} ${outcome}`,
      );
      return outcome;
    } catch (error) {
      const code = ruleRejectionCode(error);
      if (code !== null) {
        log.info({ ...entry, outcome: 'skipped', code }, `${scheduled.action} skipped: ${code}`);
        return 'skipped';
      }
      log.error({ ...entry, outcome: 'failed', err: error }, `${scheduled.action} failed`);
      return 'failed';
    }
  }
}

function reminder(
  policyId: string,
  installmentNo: number,
  kind: 'PRE_DUE' | 'OVERDUE_NOTICE',
  channel: ReminderChannel,
  sentOn: BusinessDate,
  context: RequestContext,
): RunOperation {
  return runOperation(sendPremiumReminder, { policyId }, { installmentNo, kind, channel, sentOn }, context);
}

function preDue(
  policyId: string,
  installmentNo: number,
  dueDate: BusinessDate,
  daysBefore: PreDueReminderDays,
  channel: ReminderChannel,
  sentOn: BusinessDate,
): ScheduledCommand {
  return {
    action: 'PRE_DUE_REMINDER',
    policyId,
    idempotencyKey: preDueReminderKey(policyId, installmentNo, dueDate, daysBefore, channel),
    build: (context) => reminder(policyId, installmentNo, 'PRE_DUE', channel, sentOn, context),
  };
}
