/**
 * Frozen event fixtures (STYLE: every event type and version has a frozen JSON fixture the codec and upcasters are
 * tested against). `__fixtures__/<kebab-type>.v<N>.json` is the exact stored JSON of one event type at one schema
 * version, `{ type, schemaVersion, data }`. A fixture is written once, from what the decider of its time wrote, and
 * never changed: when an event changes shape, its current fixture becomes an old one and the new version gets its own.
 *
 * For every policy and agent event this proves that
 * - each version 1…current has its fixture (a new version fails here until its fixture is frozen);
 * - a current-version fixture decodes and encodes back to exactly its stored JSON, folds into the state, and is still
 *   the shape the decider writes today (a field added or lost without a new version fails);
 * - an older fixture upcasts to the expected current data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EventCodec, type EventSchemas, type JsonObject, type StoredEventShape } from '@lib/event-sourcing';
import { agentDecider } from './agent/agent-decider';
import { type AgentCommand } from './agent/agent-commands';
import { type AgentEvent, type AgentEventType } from './agent/agent-events';
import { type AgentState } from './agent/agent-state';
import {
  agentEventCodec,
  agentEventSchemas,
  policyEventCodec,
  policyEventSchemas,
  productEventCodec,
  productEventSchemas,
} from './event-schemas';
import { productDecider, type ProductEvent, type ProductEventType, type ProductState } from './product/product';
import { publishedProduct, SAMPLE_ENDOWMENT_TERMS } from './testing/product-fixtures';
import { CONTRACT_CHANGE_KINDS } from './policy/contract-changes';
import { policyDecider } from './policy/policy-decider';
import { type PolicyCommand } from './policy/policy-commands';
import { type ContractChanged, type PolicyEvent, type PolicyEventType } from './policy/policy-events';
import { type PolicyState } from './policy/policy-state';
import { reinstatementQuote } from './policy/reinstatement-quote';
import { eventsOf, policyStateAfter } from './testing/decider-specification';
import {
  agentSnapshot,
  cancelInFreeLook,
  cancelScheduledChange,
  capitalizeLoanInterest,
  STANDARD_PRODUCT,
  grantLoan,
  repayLoan,
  changeBeneficiaries,
  changeContract,
  CHILD_BENEFICIARY,
  cny,
  INSURED,
  issuePolicy,
  lapsePolicy,
  payPremium,
  paySurvivalBenefit,
  POLICYHOLDER,
  reassignOrphanPolicy,
  recordDelivery,
  recordPayout,
  reinstatePolicy,
  sendReminder,
  surrenderPolicy,
  terminatePolicy,
  transferPolicy,
  waivePremium,
} from './testing/policy-fixtures';

const FIXTURES_DIR = join(__dirname, '__fixtures__');

function fixtureFileOf(type: string, schemaVersion: number): string {
  return `${type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.v${schemaVersion}.json`;
}

const fixtures: ReadonlyMap<string, StoredEventShape> = new Map(
  readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file, JSON.parse(readFileSync(join(FIXTURES_DIR, file), 'utf8')) as StoredEventShape]),
);

function fixture(type: string, schemaVersion: number): StoredEventShape {
  const stored = fixtures.get(fixtureFileOf(type, schemaVersion));
  if (!stored) throw new Error(`No fixture ${fixtureFileOf(type, schemaVersion)}`);
  return stored;
}

/** The JSON structure of a value, without its values: what a new schema version must be declared for. */
type Shape = string | Shape[] | { [field: string]: Shape };
function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as object).map(([field, item]) => [field, shapeOf(item)]));
  }
  return typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
}

// ---- The scenarios the current-version fixtures were written from (by the real decider, then frozen) ----

/** The standard policy with a priced accidental-death rider: installments of 1,200.00 + 30.00 = 1,230.00 CNY. */
const ADB_RIDER = { code: 'ADB', sumAssured: cny(5_000_000), modalPremium: cny(3_000), endDate: '2034-03-15' };
const INSTALLMENT = cny(123_000);
// Histories are built lazily: a scenario the decider now rejects fails its own test, not the whole file.
const issued = (): PolicyEvent[] =>
  policyDecider.decide(issuePolicy({ riders: [ADB_RIDER] }), policyDecider.initialState());

function after(history: readonly PolicyEvent[], commands: readonly PolicyCommand[]): PolicyEvent[] {
  return [...history, ...eventsOf(commands, history)];
}

/** The one event of `type` the commands decide on the history. */
function decided<Type extends PolicyEventType>(
  type: Type,
  commands: readonly PolicyCommand[],
  history: readonly PolicyEvent[] = issued(),
): Extract<PolicyEvent, { type: Type }> {
  const events = eventsOf(commands, history).filter((event) => event.type === type);
  expect(events).toHaveLength(1);
  return events[0] as Extract<PolicyEvent, { type: Type }>;
}

function nonforfeiture(option: 'RPU' | 'ETI', effectiveOn: string): PolicyCommand {
  const product = publishedProduct('ENDOW-20', 'CNY', 'CN', {
    nonforfeiture: {
      options: ['RPU', 'ETI'],
      default: 'NONE',
      netSinglePremiumPpm: [300_000, 350_000, 400_000],
      termCostPpm: [1_000, 1_500, 2_000],
    },
  });
  return { type: 'ElectNonforfeitureOption', data: { option, effectiveOn }, context: { today: effectiveOn, product } };
}

function deliver(): PolicyCommand {
  return {
    type: 'RecordPolicyDelivery',
    data: { deliveredOn: '2024-03-20', receiptRef: 'DLV-2024-0001' },
    context: { today: '2024-03-22' },
  };
}

function pay(installmentNo: number, paidOn: string, receiptNo: string): PolicyCommand {
  return payPremium(installmentNo, paidOn, { amount: INSTALLMENT, receiptNo });
}

function payBenefit(periodNo: number, paidOn: string): PolicyCommand {
  const command = paySurvivalBenefit(periodNo, paidOn, { lifeConfirmationRef: `LIFE-${paidOn.slice(0, 4)}-0087` });
  return { ...command, data: { ...command.data, paymentRef: `PAY-${paidOn.slice(0, 4)}-00441${periodNo}` } };
}

/** One endorsement with every change kind, on installment 2's due date (the premium-affecting ones reprice from 2). */
const EVERY_CONTRACT_CHANGE: ContractChanged['data']['changes'] = [
  { kind: 'CONTACT', party: 'INSURED', phone: '+86 139 1234 5678', email: 'wang.fang@example.cn' },
  { kind: 'PERSONAL_DETAILS', party: 'INSURED', idType: 'PASSPORT', idNumber: 'EJ4512873' },
  { kind: 'OCCUPATION', party: 'INSURED', occupationCode: '0001001' },
  {
    kind: 'POLICYHOLDER',
    newPolicyholder: {
      ...INSURED,
      idType: 'PASSPORT',
      idNumber: 'EJ4512873',
      phone: '+86 139 1234 5678',
      email: 'wang.fang@example.cn',
      address: 'Room 1203, 88 Jianguo Road, Chaoyang District, Beijing',
    },
    insuredConsent: true,
    previousPolicyholderConsent: true,
  },
  { kind: 'PAYMENT_METHOD', paymentMethod: { type: 'ALIPAY', accountRef: 'ALI-7731' } },
  { kind: 'BENEFIT_OPTION', receivingMethod: 'ANNUAL', receivingAge: 60 },
  {
    kind: 'DISCLOSURE',
    text: 'Hypertension diagnosed 2024-11, treated with medication.',
    documentRef: 'DOC-2025-0311',
  },
  {
    kind: 'PREMIUM_FREQUENCY',
    frequency: 'MONTHLY',
    modalPremium: cny(10_400),
    riderPremiums: [{ code: 'ADB', modalPremium: cny(260) }],
  },
  { kind: 'SUM_ASSURED', sumAssured: cny(15_000_000), modalPremium: cny(15_600), underwritingRef: 'UW-2025-0311' },
  { kind: 'RIDER_REMOVED', riderCode: 'ADB' },
  {
    kind: 'RIDER_ADDED',
    rider: { code: 'CI', sumAssured: cny(5_000_000), modalPremium: cny(2_150), endDate: '2044-03-15' },
  },
  { kind: 'APL_ELECTION', elected: true },
];

const reminded = () => after(issued(), [sendReminder(2, 'OVERDUE_NOTICE', '2025-03-20', { channel: 'SMS' })]);
const lapsed = () => after(issued(), [lapsePolicy('2025-05-15')]);
const transferred = () => after(issued(), [transferPolicy({ effectiveDate: '2025-01-01', reason: 'RELOCATION' })]);
const paidTwo = () => after(issued(), [pay(2, '2025-03-10', 'RCPT-2025-000217')]);
/** Installments 2–10 paid on 10 March of 2025–2033: in force on every survival benefit's due date. */
const paidUp = () =>
  after(
    issued(),
    Array.from({ length: 9 }, (_, index) =>
      pay(index + 2, `${2025 + index}-03-10`, `RCPT-${2025 + index}-0002${index + 2}`),
    ),
  );

const policyEventsWrittenNow: { readonly [Type in PolicyEventType]: () => Extract<PolicyEvent, { type: Type }> } = {
  PolicyIssued: () => issued()[0] as Extract<PolicyEvent, { type: 'PolicyIssued' }>,
  ContractChanged: () => decided('ContractChanged', [changeContract('2025-03-15', [...EVERY_CONTRACT_CHANGE])]),
  BeneficiariesChanged: () =>
    decided('BeneficiariesChanged', [
      changeBeneficiaries(
        {
          effectiveDate: '2025-01-10',
          designatedBy: 'POLICYHOLDER',
          insuredConsent: true,
          beneficiaries: [
            { ...CHILD_BENEFICIARY, sharePercent: 60 },
            {
              name: 'Li Xue',
              relationship: 'CHILD',
              idType: 'ID_CARD',
              idNumber: '110101201304150045',
              order: 1,
              sharePercent: 40,
            },
            { name: POLICYHOLDER.name, relationship: 'SPOUSE', order: 2, sharePercent: 100 },
          ],
        },
        '2025-01-10',
      ),
    ]),
  PremiumReminderSent: () =>
    decided('PremiumReminderSent', [sendReminder(2, 'OVERDUE_NOTICE', '2025-03-20', { channel: 'SMS' })]),
  PremiumReminderDeliveryRecorded: () =>
    decided(
      'PremiumReminderDeliveryRecorded',
      [recordDelivery('P-2024-0001-R1', 'DELIVERED', '2025-03-24')],
      reminded(),
    ),
  PremiumPaid: () =>
    decided('PremiumPaid', [
      payPremium(2, '2025-03-10', { amount: INSTALLMENT, receiptNo: 'RCPT-2025-000217', method: 'WECHAT_PAY' }),
    ]),
  PolicyLapsed: () => decided('PolicyLapsed', [lapsePolicy('2025-05-15')]),
  PremiumWaived: () =>
    decided(
      'PremiumWaived',
      [
        waivePremium('2024-12-20', {
          reason: 'POLICYHOLDER_CRITICAL_ILLNESS',
          evidenceRef: 'MED-2024-1187',
          today: '2025-01-05',
        }),
      ],
      after(issued(), [pay(2, '2024-12-01', 'RCPT-2024-000982')]),
    ),
  PolicyReinstated: () => {
    const arrears = reinstatementQuote(policyStateAfter(lapsed()), '2025-08-01').total;
    return decided(
      'PolicyReinstated',
      [reinstatePolicy('2025-08-01', arrears, { healthDeclarationRef: 'HD-2025-0456' })],
      lapsed(),
    );
  },
  PolicyTransferred: () =>
    decided('PolicyTransferred', [transferPolicy({ effectiveDate: '2025-01-01', reason: 'RELOCATION' })]),
  SurvivalBenefitPaid: () => decided('SurvivalBenefitPaid', [payBenefit(1, '2029-03-20')], paidUp()),
  PolicyMatured: () => {
    const earlierBenefitsPaid = after(paidUp(), [payBenefit(1, '2029-03-20'), payBenefit(2, '2034-03-20')]);
    return decided('PolicyMatured', [payBenefit(3, '2044-03-20')], earlierBenefitsPaid);
  },
  OrphanPolicyReassigned: () =>
    decided(
      'OrphanPolicyReassigned',
      [
        reassignOrphanPolicy('A-200', {
          currentAgent: agentSnapshot('A-001'),
          assignee: agentSnapshot('A-200', { branchCode: 'SH01', region: 'EAST' }),
          strategy: 'BALANCED',
        }),
      ],
      transferred(),
    ),
  PolicyTerminated: () =>
    decided(
      'PolicyTerminated',
      [
        terminatePolicy('2025-04-01', 'RESCINDED', '2025-04-01', {
          ground: 'NON_DISCLOSURE_NEGLIGENT',
          groundKnownOn: '2025-03-20',
        }),
      ],
      paidTwo(),
    ),
  ScheduledChangeCancelled: () => {
    const scheduled = after(paidTwo(), [
      changeContract(
        '2026-03-15',
        [{ kind: 'SUM_ASSURED', sumAssured: cny(8_000_000), modalPremium: cny(96_000) }],
        '2025-06-01',
      ),
    ]);
    return decided('ScheduledChangeCancelled', [cancelScheduledChange('P-2024-0001-E1', '2025-06-20')], scheduled);
  },
  PolicyDelivered: () => decided('PolicyDelivered', [deliver()]),
  // Delivered 2024-03-20, cancelled the next day: 123,000 back less the cost deduction of 1,000.
  PolicyCancelledInFreeLook: () =>
    decided(
      'PolicyCancelledInFreeLook',
      [cancelInFreeLook('2024-03-21', { payee: { name: POLICYHOLDER.name, accountRef: 'ACC-6222-0001' } })],
      after(issued(), [deliver()]),
    ),
  // Paid through installment 2; on 2025-09-15: 0 + round_half_up(300,000 × 184 / 365) = 151,233.
  PolicySurrendered: () =>
    decided('PolicySurrendered', [surrenderPolicy('2025-09-15', { today: '2025-09-16' })], paidTwo()),
  // Paid through installment 2; CV on 2025-09-15 = 151,233 (see PolicySurrendered); 80 % → 120,986; 100,000 lent.
  PolicyLoanGranted: () => decided('PolicyLoanGranted', [grantLoan(100_000, '2025-09-15')], paidTwo()),
  // 30 days' interest: round_half_up(100,000 × 5 % × 30 / 365 = 410.96…) = 411 first, then 19,589 of principal.
  PolicyLoanRepaid: () =>
    decided(
      'PolicyLoanRepaid',
      [repayLoan(20_000, '2025-10-15', 'RCPT-LN-2025-0001')],
      after(paidTwo(), [grantLoan(100_000, '2025-09-15')]),
    ),
  // 181 days to the anniversary: round_half_up(100,000 × 5 % × 181 / 365 = 2,479.45…) = 2,479.
  PolicyLoanInterestCapitalized: () =>
    decided(
      'PolicyLoanInterestCapitalized',
      [capitalizeLoanInterest('2026-03-15')],
      after(paidTwo(), [grantLoan(100_000, '2025-09-15')]),
    ),
  // APL elected at issue; installments 2 and 3 paid; installment 4 (due 2027-03-15, 123,000) unpaid: on its lapse
  // date 2027-05-15 the net cash value CV_end(3) = 650,000 covers it.
  AutomaticPremiumLoanApplied: () => {
    const electing = policyDecider.decide(
      issuePolicy({ riders: [ADB_RIDER], automaticPremiumLoan: true }),
      policyDecider.initialState(),
    );
    const paid = after(electing, [pay(2, '2025-03-15', 'RCPT-2025-0002'), pay(3, '2026-03-15', 'RCPT-2026-0003')]);
    return decided(
      'AutomaticPremiumLoanApplied',
      [
        {
          type: 'ApplyAutomaticPremiumLoan',
          data: { appliedOn: '2027-05-15' },
          context: { today: '2027-05-16', product: STANDARD_PRODUCT },
        },
      ],
      paid,
    );
  },
  // Paid through installment 2; on 2025-09-15 the cash value is 151,233 (see PolicySurrendered), y = 1: NSP[1] =
  // 350,000 → floor(151,233 × 10^6 / 350,000) = 432,094; term cost[1] = 1,500 → floor(151,233 × 365 × 10^6 /
  // (10^7 × 1,500)) = 3,680 days → 2035-10-13. The ADB rider ends with either.
  PolicyConvertedToReducedPaidUp: () =>
    decided('PolicyConvertedToReducedPaidUp', [nonforfeiture('RPU', '2025-09-15')], paidTwo()),
  PolicyConvertedToExtendedTerm: () =>
    decided('PolicyConvertedToExtendedTerm', [nonforfeiture('ETI', '2025-09-15')], paidTwo()),
  // 100,000 lent on 2025-09-15 (see PolicyLoanGranted); valued here with a table of 1.1 % of the sum assured at the end
  // of year 2: on 2025-09-16 CV = round_half_up(110,000 × 185 / 365) = 55,753 and the debt 100,000 + 14 is above 90 %.
  LoanWarningSent: () =>
    decided(
      'LoanWarningSent',
      [
        {
          type: 'SendLoanWarning',
          data: { sentOn: '2025-09-16', channel: 'LETTER' },
          context: {
            today: '2025-09-16',
            product: publishedProduct('ENDOW-20', 'CNY', 'CN', { cashValuePpm: [0, 11_000] }),
          },
        },
      ],
      after(paidTwo(), [grantLoan(100_000, '2025-09-15')]),
    ),
  PayoutMade: () =>
    decided(
      'PayoutMade',
      [recordPayout('P-2024-0001-P1', '2025-10-08', { paymentRef: 'PAY-2025-0913' })],
      after(paidTwo(), [surrenderPolicy('2025-09-15', { today: '2025-09-16' })]),
    ),
};

const registerAgent: AgentCommand = {
  type: 'RegisterAgent',
  data: { agentId: 'A-200', name: 'Chen Jing', role: 'SERVICING', branchCode: 'SH01', region: 'EAST' },
  context: { today: '2024-11-04' },
};
const agentRegistered = (): AgentEvent => agentDecider.decide(registerAgent, agentDecider.initialState())[0]!;

const agentEventsWrittenNow: { readonly [Type in AgentEventType]: () => AgentEvent } = {
  AgentRegistered: agentRegistered,
  AgentDeparted: () =>
    agentDecider.decide(
      {
        type: 'RecordAgentDeparture',
        data: { departedOn: '2025-01-31', reassignment: 'REGION' },
        context: { today: '2025-02-03' },
      },
      agentDecider.evolve(agentDecider.initialState(), agentRegistered()),
    )[0]!,
};

const productEventsWrittenNow: { readonly [Type in ProductEventType]: () => ProductEvent } = {
  ProductVersionPublished: () =>
    productDecider.decide(
      {
        type: 'PublishProductVersion',
        data: { productCode: 'CN-ENDOW-20', terms: SAMPLE_ENDOWMENT_TERMS },
        context: { today: '2024-01-02' },
      },
      productDecider.initialState(),
    )[0]!,
};

// ---- What folding each current fixture does (after the current fixtures of `after`) ----

interface Fold<Type extends string> {
  readonly after: readonly Type[];
  /** Part of the state the event leaves (toMatchObject). */
  readonly state: object;
}

const policyFolds: { readonly [Type in PolicyEventType]: Fold<PolicyEventType> } = {
  PolicyIssued: {
    after: [],
    state: {
      status: 'IN_FORCE',
      policyId: 'P-2024-0001',
      ruleProfile: { jurisdiction: 'CN', contestableYears: 2 },
      premium: { paidInstallments: 1, payments: [{ installmentNo: 1, amount: INSTALLMENT, settledBy: 'AT_ISSUE' }] },
    },
  },
  ContractChanged: {
    after: ['PolicyIssued'],
    state: {
      endorsementCount: 1,
      policyholder: { name: 'Wang Fang', idType: 'PASSPORT' },
      insured: { idNumber: 'EJ4512873', occupationCode: '0001001', phone: '+86 139 1234 5678' },
      premium: { paymentMethod: { type: 'ALIPAY', accountRef: 'ALI-7731' } },
      benefitOption: { receivingMethod: 'ANNUAL', receivingAge: 60 },
      disclosures: [{ endorsementNo: 'P-2024-0001-E1', documentRef: 'DOC-2025-0311' }],
    },
  },
  BeneficiariesChanged: {
    after: ['PolicyIssued'],
    state: {
      endorsementCount: 1,
      beneficiaryDesignation: { designatedBy: 'POLICYHOLDER', insuredConsent: true, endorsementNo: 'P-2024-0001-E1' },
    },
  },
  PremiumReminderSent: {
    after: ['PolicyIssued'],
    state: { reminders: [{ reminderId: 'P-2024-0001-R1', kind: 'OVERDUE_NOTICE', delivery: null }] },
  },
  PremiumReminderDeliveryRecorded: {
    after: ['PolicyIssued', 'PremiumReminderSent'],
    state: { reminders: [{ delivery: { outcome: 'DELIVERED', recordedOn: '2025-03-24' } }] },
  },
  PremiumPaid: {
    after: ['PolicyIssued'],
    state: { premium: { paidInstallments: 2 }, lastTransactionDate: '2025-03-10' },
  },
  PolicyLapsed: {
    after: ['PolicyIssued'],
    state: { status: 'LAPSED', lapse: { installmentNo: 2, reinstatementDeadline: '2027-05-15' } },
  },
  PremiumWaived: {
    after: ['PolicyIssued', 'PremiumPaid'],
    state: {
      waiver: { waivedFromInstallment: 2, refund: INSTALLMENT },
      payables: [{ payableId: 'P-2024-0001-P1', kind: 'WAIVER_REFUND', amount: INSTALLMENT, dueBy: '2025-02-04' }],
    },
  },
  PolicyReinstated: {
    after: ['PolicyIssued', 'PolicyLapsed'],
    state: { status: 'IN_FORCE', lapse: null, reinstatementCount: 1, premium: { paidInstallments: 2 } },
  },
  PolicyTransferred: {
    after: ['PolicyIssued'],
    state: { servicing: { branchCode: 'SH01', region: 'EAST', agentId: 'A-001' }, awaitingServicingAgent: true },
  },
  SurvivalBenefitPaid: {
    after: ['PolicyIssued'],
    state: { survivalBenefits: [{ periodNo: 1, payment: { paymentRef: 'PAY-2029-004411' } }, {}, {}] },
  },
  PolicyMatured: {
    after: ['PolicyIssued'],
    state: { status: 'MATURED', maturity: { maturityDate: '2044-03-15', paidOn: '2044-03-20' } },
  },
  OrphanPolicyReassigned: {
    after: ['PolicyIssued', 'PolicyTransferred'],
    state: { servicing: { branchCode: 'SH01', agentId: 'A-200' }, awaitingServicingAgent: false },
  },
  PolicyTerminated: {
    after: ['PolicyIssued'],
    state: {
      status: 'TERMINATED',
      termination: { reason: 'RESCINDED', ground: 'NON_DISCLOSURE_NEGLIGENT' },
      payables: [{ payableId: 'P-2024-0001-P1', kind: 'RESCISSION_REFUND', dueBy: '2025-05-01' }],
    },
  },
  // Withdraws the endorsement's amendments of the terms (here those of the ContractChanged fixture, E1).
  ScheduledChangeCancelled: {
    after: ['PolicyIssued', 'ContractChanged'],
    state: { terms: { amendments: [] } },
  },
  PolicyDelivered: {
    after: ['PolicyIssued'],
    state: { delivery: { deliveredOn: '2024-03-20', receiptRef: 'DLV-2024-0001' } },
  },
  PolicyCancelledInFreeLook: {
    after: ['PolicyIssued', 'PolicyDelivered'],
    state: {
      status: 'TERMINATED',
      termination: { reason: 'FREE_LOOK', terminatedOn: '2024-03-21', refund: cny(122_000) },
      payables: [{ payableId: 'P-2024-0001-P1', kind: 'FREE_LOOK_REFUND', dueBy: '2024-04-20', payout: null }],
    },
  },
  PolicySurrendered: {
    after: ['PolicyIssued', 'PremiumPaid'],
    state: {
      status: 'TERMINATED',
      termination: { reason: 'SURRENDER', terminatedOn: '2025-09-15', refund: cny(151_233) },
      payables: [{ payableId: 'P-2024-0001-P1', kind: 'SURRENDER', amount: cny(151_233), dueBy: '2025-10-15' }],
    },
  },
  PolicyLoanGranted: {
    after: ['PolicyIssued', 'PremiumPaid'],
    state: {
      loan: { balance: cny(100_000), interestBasisPoints: 500, nextCapitalizationOn: '2026-03-15' },
      payables: [{ payableId: 'P-2024-0001-P1', kind: 'LOAN', amount: cny(100_000) }],
    },
  },
  PolicyLoanRepaid: {
    after: ['PolicyIssued', 'PremiumPaid', 'PolicyLoanGranted'],
    state: { loan: { balance: cny(80_411), accruedInterest: cny(0), receipts: ['RCPT-LN-2025-0001'] } },
  },
  PolicyLoanInterestCapitalized: {
    after: ['PolicyIssued', 'PremiumPaid', 'PolicyLoanGranted'],
    state: { loan: { balance: cny(102_479), accruedThrough: '2026-03-15', nextCapitalizationOn: '2027-03-15' } },
  },
  AutomaticPremiumLoanApplied: {
    after: ['PolicyIssued'],
    state: {
      premium: { paidInstallments: 4 },
      loan: { balance: INSTALLMENT, accruedThrough: '2027-05-15', loans: [{ loanNo: 'P-2024-0001-L1' }] },
    },
  },
  PolicyConvertedToReducedPaidUp: {
    after: ['PolicyIssued', 'PremiumPaid'],
    state: {
      sumAssured: cny(432_094),
      endorsementCount: 1,
      nonforfeiture: { option: 'RPU', effectiveOn: '2025-09-15', coverEndsOn: null },
    },
  },
  PolicyConvertedToExtendedTerm: {
    after: ['PolicyIssued', 'PremiumPaid'],
    state: {
      sumAssured: cny(10_000_000),
      nonforfeiture: { option: 'ETI', effectiveOn: '2025-09-15', coverEndsOn: '2035-10-13' },
    },
  },
  LoanWarningSent: {
    after: ['PolicyIssued', 'PremiumPaid', 'PolicyLoanGranted'],
    state: { loan: { balance: cny(100_000), warnedOn: '2025-09-16' } },
  },
  PayoutMade: {
    after: ['PolicyIssued', 'PremiumPaid', 'PolicySurrendered'],
    state: {
      payables: [{ payableId: 'P-2024-0001-P1', payout: { paidOn: '2025-10-08', paymentRef: 'PAY-2025-0913' } }],
    },
  },
};

const agentFolds: { readonly [Type in AgentEventType]: Fold<AgentEventType> } = {
  AgentRegistered: { after: [], state: { status: 'ACTIVE', agentId: 'A-200', branchCode: 'SH01', departure: null } },
  AgentDeparted: {
    after: ['AgentRegistered'],
    state: { status: 'DEPARTED', departure: { departedOn: '2025-01-31', reassignment: 'REGION' } },
  },
};

const productFolds: { readonly [Type in ProductEventType]: Fold<ProductEventType> } = {
  ProductVersionPublished: {
    after: [],
    state: {
      productCode: 'CN-ENDOW-20',
      versions: [{ version: 1, cashValuePpm: [0, 30_000, 65_000, 90_000, 120_000] }],
    },
  },
};

// ---- Old versions: the current data each one reads as ----

const policyIssuedV1 = fixture('PolicyIssued', 1).data;
const UPCAST_TO_CURRENT: Readonly<Record<string, JsonObject>> = {
  // Sold before the product catalogue: no recorded product version; no APL could be elected at issue before v4.
  'policy-issued.v3.json': { ...fixture('PolicyIssued', 3).data, automaticPremiumLoan: false },
  'policy-issued.v2.json': { ...fixture('PolicyIssued', 2).data, productVersion: null, automaticPremiumLoan: false },
  // The 30-day notice rule was never agreed; the rescission limits are those of CN law; no product version.
  'policy-issued.v1.json': {
    ...policyIssuedV1,
    productVersion: null,
    automaticPremiumLoan: false,
    ruleProfile: {
      graceDays: 60,
      overdueNoticeDays: 30,
      noticeShortensGrace: false,
      reinstatementWindowYears: 2,
      reinstatementInterestBasisPoints: 500,
      waiverWaitingDays: 90,
      contestableYears: 2,
      rescissionKnowledgeDays: 30,
    },
  },
  // Every v1 change is a valid v2 change (no riderPremiums: riders were not billed); no payables before v3.
  'contract-changed.v1.json': { ...fixture('ContractChanged', 1).data, payables: [], loanSettlement: null },
  'contract-changed.v2.json': { ...fixture('ContractChanged', 2).data, payables: [], loanSettlement: null },
  'contract-changed.v3.json': { ...fixture('ContractChanged', 3).data, loanSettlement: null },
  'contract-changed.v4.json': { ...fixture('ContractChanged', 4).data, loanSettlement: null },
  // A refund recorded before payables existed keeps its amount; no payable is made up for it.
  'premium-waived.v2.json': { ...fixture('PremiumWaived', 2).data, payable: null },
  'policy-terminated.v2.json': { ...fixture('PolicyTerminated', 2).data, payable: null },
  'scheduled-change-cancelled.v1.json': { ...fixture('ScheduledChangeCancelled', 1).data, withdrawnPayables: [] },
  // Every v1 lapse was for an unpaid premium.
  'policy-lapsed.v1.json': { ...fixture('PolicyLapsed', 1).data, cause: 'PREMIUM_UNPAID' },
  // Paid before policy loans existed: nothing deducted.
  'survival-benefit-paid.v1.json': {
    ...fixture('SurvivalBenefitPaid', 1).data,
    loanDeduction: { amount: 0, currency: 'CNY' },
    loanSettlement: null,
  },
  'premium-reminder-sent.v1.json': {
    reminderId: 'P-2023-0042-R1',
    installmentNo: 2,
    dueDate: '2024-06-30',
    amount: { amount: 250_000, currency: 'CNY' },
    channel: 'SMS',
    kind: 'PRE_DUE',
    sentOn: '2024-06-01',
  },
  'premium-waived.v1.json': {
    reason: 'INSURED_CRITICAL_ILLNESS',
    eventDate: '2024-02-01',
    evidenceRef: 'DX-7',
    waivedFromInstallment: 2,
    waivedFromDate: '2024-06-30',
    refund: null,
    payable: null,
  },
  'policy-transferred.v1.json': {
    fromBranchCode: 'BJ01',
    toBranchCode: 'SH01',
    fromRegion: 'NORTH',
    toRegion: 'EAST',
    effectiveDate: '2024-01-10',
    reason: 'RELOCATION',
    toAgentId: null,
    awaitingAgent: false,
  },
  'policy-terminated.v1.json': {
    terminatedOn: '2024-09-01',
    reason: 'SURRENDER',
    ground: null,
    groundKnownOn: null,
    refund: null,
    payable: null,
  },
};

// ---- The table ----

interface FixtureCase {
  readonly file: string;
  readonly stored: StoredEventShape;
  readonly currentVersion: number;
  decode(stored: StoredEventShape): { type: string; data: object };
  encode(event: { type: string; data: object }): StoredEventShape;
  writtenNow(): { type: string; data: object };
  /** The state after folding the current fixtures of `fold.after`, then this one. */
  foldState(): unknown;
  readonly fold: Fold<string>;
}

function casesOf<Event extends { readonly type: string; readonly data: object }, State>(family: {
  schemas: EventSchemas<Event['type']>;
  codec: EventCodec<Event>;
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
  writtenNow: { readonly [Type in Event['type']]: () => Event };
  folds: { readonly [Type in Event['type']]: Fold<Event['type']> };
}): { expectedFiles: string[]; cases: FixtureCase[] } {
  const types = Object.keys(family.schemas) as Event['type'][];
  const versionsOf = (type: Event['type']) =>
    Array.from({ length: family.schemas[type].currentVersion }, (_, index) => index + 1);
  const current = (type: Event['type']) => family.codec.decode(fixture(type, family.schemas[type].currentVersion));
  const cases = types.flatMap((type) =>
    versionsOf(type)
      .filter((version) => fixtures.has(fixtureFileOf(type, version)))
      .map((version): FixtureCase => ({
        file: fixtureFileOf(type, version),
        stored: fixture(type, version),
        currentVersion: family.schemas[type].currentVersion,
        decode: (stored) => family.codec.decode(stored),
        encode: (event) => family.codec.encode(event as Event),
        writtenNow: family.writtenNow[type],
        foldState: () =>
          [...family.folds[type].after.map(current), current(type)].reduce(family.evolve, family.initialState()),
        fold: family.folds[type],
      })),
  );
  return {
    expectedFiles: types.flatMap((type) => versionsOf(type).map((version) => fixtureFileOf(type, version))),
    cases,
  };
}

const policyCases = casesOf<PolicyEvent, PolicyState>({
  schemas: policyEventSchemas,
  codec: policyEventCodec,
  evolve: policyDecider.evolve,
  initialState: policyDecider.initialState,
  writtenNow: policyEventsWrittenNow,
  folds: policyFolds,
});
const agentCases = casesOf<AgentEvent, AgentState>({
  schemas: agentEventSchemas,
  codec: agentEventCodec,
  evolve: agentDecider.evolve,
  initialState: agentDecider.initialState,
  writtenNow: agentEventsWrittenNow,
  folds: agentFolds,
});
const productCases = casesOf<ProductEvent, ProductState>({
  schemas: productEventSchemas,
  codec: productEventCodec,
  evolve: productDecider.evolve,
  initialState: productDecider.initialState,
  writtenNow: productEventsWrittenNow,
  folds: productFolds,
});
const cases = [...policyCases.cases, ...agentCases.cases, ...productCases.cases];
const currentCases = cases.filter((each) => each.stored.schemaVersion === each.currentVersion);
const oldCases = cases.filter((each) => each.stored.schemaVersion < each.currentVersion);

describe('frozen event fixtures', () => {
  it('every version of every policy, agent and product event type has its fixture, and no fixture is stray', () => {
    const expected = [...policyCases.expectedFiles, ...agentCases.expectedFiles, ...productCases.expectedFiles].sort();
    expect([...fixtures.keys()]).toEqual(expected);
    for (const [file, stored] of fixtures) {
      expect(fixtureFileOf(stored.type, stored.schemaVersion)).toBe(file);
      expect(Object.keys(stored).sort()).toEqual(['data', 'schemaVersion', 'type']);
    }
  });

  describe.each(currentCases.map((each) => [each.file, each] as const))('%s (current version)', (_file, each) => {
    it('decodes and encodes back to exactly its stored JSON', () => {
      const event = each.decode(each.stored);
      expect(event).toStrictEqual({ type: each.stored.type, data: each.stored.data });
      expect(JSON.parse(JSON.stringify(each.encode(event)))).toStrictEqual(each.stored);
    });

    it('is the shape the decider writes today (a new shape needs a new version)', () => {
      const written = each.encode(each.writtenNow());
      expect(written.type).toBe(each.stored.type);
      expect(written.schemaVersion).toBe(each.stored.schemaVersion);
      expect(shapeOf(JSON.parse(JSON.stringify(written.data)))).toEqual(shapeOf(each.stored.data));
    });

    it('folds into the state', () => {
      expect(each.foldState()).toMatchObject(each.fold.state);
    });
  });

  it('the ContractChanged fixture holds every change kind', () => {
    const changes = fixture('ContractChanged', policyEventSchemas.ContractChanged.currentVersion).data.changes;
    expect((changes as { kind: string }[]).map((change) => change.kind).sort()).toEqual(
      [...CONTRACT_CHANGE_KINDS].sort(),
    );
  });

  it('names the current data of every old-version fixture', () => {
    expect(Object.keys(UPCAST_TO_CURRENT).sort()).toEqual(oldCases.map((each) => each.file).sort());
  });

  it.each(oldCases.map((each) => [each.file, each] as const))('%s upcasts to the current data', (file, each) => {
    const event = each.decode(each.stored);
    expect(event).toStrictEqual({ type: each.stored.type, data: UPCAST_TO_CURRENT[file] });
    // Every field of the current version is there (none of its values is left undefined).
    const current = fixture(each.stored.type, each.currentVersion).data;
    expect(Object.keys(event.data).sort()).toEqual(Object.keys(current).sort());
  });
});
