/**
 * Request-body validation throughput (DESIGN 7: benchmarks print figures, tests never assert timings).
 *
 *   npm run bench:validation
 *
 * Validations/s of `validateDto` (the REST pipe's and gRPC's entry point: shape limits, class-transformer, the rules)
 * on realistic bodies: IssuePolicy with three beneficiaries, a rider and two survival benefits, ChangeContract with
 * four changes of different kinds; each accepted and rejected (one broken field and one unknown field: the
 * class-validator path with its error tree). Also class-validator's own `validateSync` on the same valid bodies, for
 * reference. All of the API's DTO classes are registered first, as in the server: class-validator's cost per object
 * grows with the number of registered classes. The load average is printed next to the figures: the machine may be
 * shared.
 *
 * Env: BENCH_ITERATIONS (per round, default 20 000), BENCH_ROUNDS (5; the best and the median round are printed).
 */
import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
// The benchmark measures the API's own validation in-process: it imports the application's modules directly.
/* eslint-disable no-restricted-imports */
import { ChangeContractDto } from '../libs/policy-app/src/policies/change-contract/change-contract.dto';
import { IssuePolicyDto } from '../libs/policy-app/src/policies/issue-policy/issue-policy.dto';
import { ApiProblem } from '../libs/policy-app/src/problem/api-problem';
import { validateDto } from '../libs/policy-app/src/problem/validation';
/* eslint-enable no-restricted-imports */

/**
 * Loads every DTO module of the API (`*.dto.js` beside this compiled file), so that class-validator holds all of the
 * server's classes (its cost per object grows with their number), without loading the application module itself.
 */
async function registerAllDtoClasses(): Promise<number> {
  const root = join(__dirname, '..', 'libs', 'policy-app', 'src');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.dto.js'));
  for (const file of files) await import(join(root, file));
  return files.length;
}

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const cny = (amount: number) => ({ amount, currency: 'CNY' });

const ISSUE_POLICY = {
  policyId: 'P-BENCH-1',
  productCode: 'ENDOW-4',
  currency: 'CNY',
  policyholder: {
    name: 'Li Wei',
    gender: 'M',
    birthDate: '1980-05-20',
    idType: 'ID_CARD',
    idNumber: '110101198005200011',
    phone: '+86 138 0000 0001',
  },
  insured: { name: 'Li Na', gender: 'F', birthDate: '2010-09-01', idType: 'ID_CARD', idNumber: '110101201009010022' },
  beneficiaries: [
    {
      name: 'Wang Fang',
      relationship: 'PARENT',
      idType: 'ID_CARD',
      idNumber: '110101198201010033',
      order: 1,
      sharePercent: 50,
    },
    { name: 'Li Lei', relationship: 'SIBLING', order: 1, sharePercent: 30 },
    { name: 'Li Ming', relationship: 'CHILD', order: 1, sharePercent: 20 },
  ],
  sumAssured: cny(50_000_000),
  premium: {
    modalPremium: cny(500_000),
    frequency: 'ANNUAL',
    paymentTermYears: 4,
    paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
  },
  effectiveDate: '2022-01-15',
  maturityDate: '2026-01-15',
  riders: [{ code: 'ADD-1', sumAssured: cny(1_000_000), modalPremium: cny(10_000), endDate: '2026-01-15' }],
  survivalBenefits: [
    { periodNo: 1, kind: 'SURVIVAL', dueDate: '2024-01-15', amount: cny(1_000_000) },
    { periodNo: 2, kind: 'MATURITY', dueDate: '2026-01-15', amount: cny(20_000_000) },
  ],
  servicing: { branchCode: 'SH-001', region: 'EAST', agentId: 'AG-1' },
};

const CHANGE_CONTRACT = {
  effectiveDate: '2022-02-01',
  changes: [
    { kind: 'CONTACT', phone: '+86 139 0000 0002', address: '1 Nanjing Rd, Shanghai' },
    { kind: 'OCCUPATION', party: 'INSURED', occupationCode: 'STUDENT' },
    { kind: 'DISCLOSURE', text: 'Insured took up competitive swimming.', documentRef: 'DOC-7' },
    {
      kind: 'PREMIUM_FREQUENCY',
      frequency: 'MONTHLY',
      modalPremium: cny(45_000),
      riderPremiums: [{ code: 'ADD-1', modalPremium: cny(900) }],
    },
  ],
};

const ISSUE_POLICY_REJECTED = {
  ...ISSUE_POLICY,
  beneficiaries: [...ISSUE_POLICY.beneficiaries.slice(0, 2), { ...ISSUE_POLICY.beneficiaries[2], sharePercent: 1.5 }],
  unexpected: 'field',
};

const CHANGE_CONTRACT_REJECTED = {
  ...CHANGE_CONTRACT,
  changes: [...CHANGE_CONTRACT.changes.slice(0, 3), { ...CHANGE_CONTRACT.changes[3], frequency: 'WEEKLY' }],
  unexpected: 'field',
};

const OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

interface Scenario {
  readonly label: string;
  /** Runs one validation; returns its verdict (checked once before measuring). */
  readonly run: () => 'accepted' | 'rejected';
  readonly expected: 'accepted' | 'rejected';
}

function viaValidateDto(dtoClass: new () => object, body: object): () => 'accepted' | 'rejected' {
  return () => {
    try {
      validateDto(dtoClass, body);
      return 'accepted';
    } catch (error) {
      if (error instanceof ApiProblem) return 'rejected';
      throw error;
    }
  };
}

function viaClassValidator(dtoClass: new () => object, body: object): () => 'accepted' | 'rejected' {
  return () =>
    validateSync(plainToInstance(dtoClass, body, { enableImplicitConversion: false }), OPTIONS).length === 0
      ? 'accepted'
      : 'rejected';
}

const SCENARIOS: Scenario[] = [
  {
    label: 'validateDto IssuePolicy, accepted',
    run: viaValidateDto(IssuePolicyDto, ISSUE_POLICY),
    expected: 'accepted',
  },
  {
    label: 'validateDto ChangeContract, accepted',
    run: viaValidateDto(ChangeContractDto, CHANGE_CONTRACT),
    expected: 'accepted',
  },
  {
    label: 'validateDto IssuePolicy, rejected',
    run: viaValidateDto(IssuePolicyDto, ISSUE_POLICY_REJECTED),
    expected: 'rejected',
  },
  {
    label: 'validateDto ChangeContract, rejected',
    run: viaValidateDto(ChangeContractDto, CHANGE_CONTRACT_REJECTED),
    expected: 'rejected',
  },
  {
    label: 'class-validator validateSync IssuePolicy',
    run: viaClassValidator(IssuePolicyDto, ISSUE_POLICY),
    expected: 'accepted',
  },
  {
    label: 'class-validator validateSync ChangeContract',
    run: viaClassValidator(ChangeContractDto, CHANGE_CONTRACT),
    expected: 'accepted',
  },
];

const format = (value: number) => Math.round(value).toLocaleString('en-US').padStart(9);

interface Figures {
  /** Validations per second of wall time: best and median round. */
  readonly best: number;
  readonly median: number;
  /** Validations per second of this process's CPU time, median round: less sensitive to a busy machine. */
  readonly perCpuSecond: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function measure(scenario: Scenario): Figures {
  const verdict = scenario.run();
  if (verdict !== scenario.expected) throw new Error(`${scenario.label}: ${verdict}, expected ${scenario.expected}`);
  for (let warmUp = 0; warmUp < Math.min(ITERATIONS, 2000); warmUp++) scenario.run();
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let iteration = 0; iteration < ITERATIONS; iteration++) scenario.run();
    const used = process.cpuUsage(cpu);
    rates.push(ITERATIONS / ((performance.now() - started) / 1000));
    cpuRates.push(ITERATIONS / ((used.user + used.system) / 1e6));
  }
  return { best: Math.max(...rates), median: median(rates), perCpuSecond: median(cpuRates) };
}

async function main(): Promise<void> {
  const dtoModules = await registerAllDtoClasses();
  console.log(
    `Validation: ${ROUNDS} rounds of ${ITERATIONS.toLocaleString('en-US')} per scenario, ` +
      `${dtoModules} DTO modules loaded (ops/s of wall time; per CPU second)`,
  );
  for (const scenario of SCENARIOS) {
    const { best, median, perCpuSecond } = measure(scenario);
    console.log(
      `  ${scenario.label.padEnd(44)} median ${format(median)}  best ${format(best)}  ` +
        `per cpu-s ${format(perCpuSecond)}  (load ${loadavg()[0]!.toFixed(2)})`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
