import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { issuePolicyBody, MODAL_PREMIUM, money } from '../../test/support/fixtures';
import { RegisterAgentDto } from '../agents/register-agent/register-agent.dto';
import { CancelScheduledChangeDto } from '../policies/cancel-scheduled-change/cancel-scheduled-change.dto';
import { ChangeBeneficiariesDto } from '../policies/change-beneficiaries/change-beneficiaries.dto';
import { ChangeContractDto } from '../policies/change-contract/change-contract.dto';
import { GetPolicyQueryDto } from '../policies/get-policy/get-policy.dto';
import { IssuePolicyDto } from '../policies/issue-policy/issue-policy.dto';
import { PaySurvivalBenefitDto } from '../policies/pay-survival-benefit/pay-survival-benefit.dto';
import { RecordPremiumPaymentDto } from '../policies/record-premium-payment/record-premium-payment.dto';
import { ReinstatePolicyDto } from '../policies/reinstate-policy/reinstate-policy.dto';
import { SendPremiumReminderDto } from '../policies/send-premium-reminder/send-premium-reminder.dto';
import { TerminatePolicyDto } from '../policies/terminate-policy/terminate-policy.dto';
import { TransferPolicyDto } from '../policies/transfer-policy/transfer-policy.dto';
import { ApiProblem } from './api-problem';
import {
  bodyShapeProblem,
  flattenValidationErrors,
  MAX_FIELD_ERRORS,
  passesEveryRule,
  validateDto,
  validationProblem,
} from './validation';

type Body = Record<string, unknown>;

const VALID_PAYMENT = {
  installmentNo: 2,
  amount: money(MODAL_PREMIUM),
  paidOn: '2023-01-10',
  receiptNo: 'R-2',
  method: 'CASH',
};

/** Valid bodies (those of the e2e scenario and the benchmark) per DTO class. */
const VALID: [new () => object, Body][] = [
  [IssuePolicyDto, issuePolicyBody('P-VALID-1')],
  [
    IssuePolicyDto,
    issuePolicyBody('P-VALID-2', {
      riders: [{ code: 'ADD-1', sumAssured: money(1_000_000), modalPremium: money(10_000), endDate: '2026-01-15' }],
    }),
  ],
  [
    ChangeContractDto,
    {
      effectiveDate: '2022-02-01',
      changes: [
        { kind: 'CONTACT', phone: '+86 139 0000 0002', address: '1 Nanjing Rd, Shanghai' },
        { kind: 'OCCUPATION', party: 'INSURED', occupationCode: 'STUDENT' },
        { kind: 'DISCLOSURE', text: 'Insured took up competitive swimming.', documentRef: 'DOC-7' },
      ],
    },
  ],
  [ChangeContractDto, { effectiveDate: '2022-03-01', changes: [{ kind: 'RIDER_REMOVED', riderCode: 'NOPE' }] }],
  [
    ChangeContractDto,
    {
      effectiveDate: '2027-01-15',
      changes: [
        {
          kind: 'PREMIUM_FREQUENCY',
          frequency: 'MONTHLY',
          modalPremium: money(45_000),
          riderPremiums: [{ code: 'ADD-1', modalPremium: money(900) }],
        },
      ],
    },
  ],
  [
    ChangeBeneficiariesDto,
    {
      effectiveDate: '2022-06-01',
      designatedBy: 'POLICYHOLDER',
      insuredConsent: true,
      beneficiaries: [
        { name: 'Wang Fang', relationship: 'PARENT', order: 1, sharePercent: 60 },
        { name: 'Li Lei', relationship: 'SIBLING', order: 1, sharePercent: 40 },
      ],
    },
  ],
  [SendPremiumReminderDto, { installmentNo: 2, kind: 'PRE_DUE', channel: 'SMS', sentOn: '2022-12-15' }],
  [RecordPremiumPaymentDto, VALID_PAYMENT],
  [ReinstatePolicyDto, { reinstatedOn: '2024-05-01', arrearsPaid: money(MODAL_PREMIUM), healthDeclarationRef: 'HD-1' }],
  [TransferPolicyDto, { toBranchCode: 'BJ-002', toRegion: 'NORTH', effectiveDate: '2024-07-01', reason: 'RELOCATION' }],
  [
    PaySurvivalBenefitDto,
    {
      periodNo: 1,
      paidOn: '2024-07-10',
      payee: { name: 'Li Wei', accountRef: 'ACC-1' },
      paymentRef: 'PAY-1',
      lifeConfirmationRef: 'LIFE-1',
    },
  ],
  [RegisterAgentDto, { agentId: 'AG-1', name: 'Agent One', role: 'SALES', branchCode: 'SH-001', region: 'EAST' }],
  [
    TerminatePolicyDto,
    {
      terminatedOn: '2026-06-15',
      reason: 'RESCINDED',
      ground: 'NON_DISCLOSURE_NEGLIGENT',
      groundKnownOn: '2026-06-01',
    },
  ],
  [GetPolicyQueryDto, { asOf: '2026-03-01T12:00:00Z' }],
  [GetPolicyQueryDto, { revision: '3', effectiveOn: '2026-09-01' }],
];

/** Every path to a value in a JSON body. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

function edited(
  body: Body,
  path: (string | number)[],
  edit: (parent: Record<string | number, unknown>, key: string | number) => void,
): Body {
  const copy = structuredClone(body);
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  edit(parent, path[path.length - 1]);
  return copy;
}

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x'.repeat(600),
  '2026-02-30',
  'NOT_AN_ENUM',
  0,
  -1,
  1.5,
  10_001,
  true,
  {},
  [],
  [{}],
  ['text'],
];

/** Broken (and some still valid) variants: every value replaced by each of the above, unknown fields added. */
function variantsOf(body: Body, onlyUnder?: string): Body[] {
  const variants: Body[] = [];
  for (const path of pathsOf(body)) {
    if (path.length === 0 || (onlyUnder !== undefined && path[0] !== onlyUnder)) continue;
    for (const replacement of REPLACEMENTS)
      variants.push(
        edited(body, path, (parent, key) => {
          // JSON has no holes in arrays: a removed element is spliced out.
          if (replacement === undefined && Array.isArray(parent)) parent.splice(Number(key), 1);
          else if (replacement === undefined) delete parent[key];
          else parent[key] = structuredClone(replacement);
        }),
      );
    variants.push(
      edited(body, path, (parent, key) => {
        const value = parent[key];
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) (value as Body).unexpected = 'field';
        else parent.unexpected = 'field';
      }),
    );
  }
  return variants;
}

const OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

function classValidatorAccepts(dtoClass: new () => object, body: Body): boolean {
  return validateSync(plainToInstance(dtoClass, body, { enableImplicitConversion: false }), OPTIONS).length === 0;
}

describe('validation fast path (accepts exactly what class-validator accepts)', () => {
  it.each(VALID.map(([dtoClass, body]) => [dtoClass.name, dtoClass, body] as const))(
    '%s: a valid body passes the fast path, without class-validator',
    (_name, dtoClass, body) => {
      expect(classValidatorAccepts(dtoClass, body)).toBe(true);
      expect(passesEveryRule(plainToInstance(dtoClass, body))).toBe(true);
    },
  );

  it.each(VALID.map(([dtoClass, body]) => [dtoClass.name, dtoClass, body] as const))(
    '%s: every broken variant gets the same verdict as class-validator',
    (_name, dtoClass, body) => {
      // The second IssuePolicy body differs from the first only by its riders: break only those.
      const variants = variantsOf(body, dtoClass === IssuePolicyDto && 'riders' in body ? 'riders' : undefined);
      const verdicts = variants.map((variant) => ({
        variant,
        classValidator: classValidatorAccepts(dtoClass, variant),
        fastPath: passesEveryRule(plainToInstance(dtoClass, variant)),
        validateDto: accepted(() => validateDto(dtoClass, variant)),
      }));

      // Never accepted when class-validator rejects; and the valid variants still take the fast path.
      expect(verdicts.filter((verdict) => verdict.fastPath !== verdict.classValidator)).toEqual([]);
      expect(verdicts.filter((verdict) => verdict.validateDto !== verdict.classValidator)).toEqual([]);
      expect(verdicts.filter((verdict) => !verdict.classValidator).length).toBeGreaterThan(variants.length / 3);
    },
  );

  it('a DTO without fields (CancelScheduledChange) accepts only an empty object; any field is unknown', () => {
    expect(validateDto(CancelScheduledChangeDto, {})).toBeInstanceOf(CancelScheduledChangeDto);
    expect(() => validateDto(CancelScheduledChangeDto, { reason: 'x', endorsementNo: 'P-1-E1' })).toThrow(
      expect.objectContaining({
        kind: 'VALIDATION',
        errors: [
          { path: 'reason', message: 'property reason should not exist' },
          { path: 'endorsementNo', message: 'property endorsementNo should not exist' },
        ],
      }),
    );
    expect(() => validateDto(CancelScheduledChangeDto, [])).toThrow(expect.objectContaining({ kind: 'VALIDATION' }));
  });

  it('a rejected body reports class-validator’s errors with their paths', () => {
    const body = { ...VALID_PAYMENT, amount: { amount: '1', currency: 'CNY' }, extra: true };
    expect(() => validateDto(RecordPremiumPaymentDto, body)).toThrow(
      expect.objectContaining({
        errors: expect.arrayContaining([
          { path: 'extra', message: 'property extra should not exist' },
          { path: 'amount.amount', message: expect.stringContaining('amount must be an integer') },
        ]),
      }),
    );
  });
});

/** The problem validateDto throws for this body (fails the test when it accepts it). */
function problemOf(dtoClass: new () => object, body: unknown): ApiProblem {
  try {
    validateDto(dtoClass, body);
  } catch (error) {
    if (error instanceof ApiProblem) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(body).slice(0, 200)}`);
}

const emptyObjects = (count: number) => Array.from({ length: count }, () => ({}));
const VALID_BENEFICIARIES_CHANGE = {
  effectiveDate: '2022-06-01',
  designatedBy: 'POLICYHOLDER',
  insuredConsent: true,
  beneficiaries: [{ name: 'Wang Fang', relationship: 'PARENT', order: 1, sharePercent: 100 }],
};

describe('hostile bodies get a bounded answer (DESIGN 7)', () => {
  it('a missing required field yields one error, not one per rule', () => {
    const { receiptNo: _receiptNo, ...withoutReceipt } = VALID_PAYMENT;
    expect(problemOf(RecordPremiumPaymentDto, withoutReceipt).errors).toEqual([
      { path: 'receiptNo', message: 'receiptNo should not be null or undefined' },
    ]);
    const paths = problemOf(IssuePolicyDto, {}).errors!.map((error) => error.path);
    expect(paths).toEqual([...new Set(paths)]);
  });

  it('a value of the wrong type yields one error: its type', () => {
    expect(problemOf(RecordPremiumPaymentDto, { ...VALID_PAYMENT, receiptNo: 7 }).errors).toEqual([
      { path: 'receiptNo', message: 'receiptNo must be a string' },
    ]);
  });

  it.each(['valueOf', 'toString', 'hasOwnProperty', 'constructor', '__proto__', 'isPrototypeOf', 'prototype'])(
    'a member named %s is an unknown field, also nested',
    (name) => {
      // JSON.parse makes `__proto__` an own member, as the body parser does.
      const body = JSON.parse(`{"${name}":1,"amount":{"amount":500000,"currency":"CNY","${name}":2}}`) as object;
      expect(problemOf(RecordPremiumPaymentDto, { ...VALID_PAYMENT, ...body }).errors).toEqual(
        expect.arrayContaining([
          { path: name, message: `property ${name} should not exist` },
          { path: `amount.${name}`, message: `property ${name} should not exist` },
        ]),
      );
    },
  );

  it('999 empty beneficiaries: the array bound and the first elements are reported, at most 20 errors', () => {
    const problem = problemOf(ChangeBeneficiariesDto, {
      ...VALID_BENEFICIARIES_CHANGE,
      beneficiaries: emptyObjects(999),
    });
    expect(problem.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(problem.errors![0]).toEqual({
      path: 'beneficiaries',
      message: 'beneficiaries must contain no more than 20 elements',
    });
    // Elements past the bound (max + 1) are not validated: their errors are noise.
    expect(problem.detail).toBe('85 field(s) failed validation; the first 20 are listed');
  });

  it('an array where one object is expected: one error, its elements are not validated', () => {
    expect(problemOf(RecordPremiumPaymentDto, { ...VALID_PAYMENT, amount: emptyObjects(999) }).errors).toEqual([
      { path: 'amount', message: 'amount must be an object' },
    ]);
  });

  it('arrays inside an array of objects are not walked', () => {
    const body = { ...VALID_BENEFICIARIES_CHANGE, beneficiaries: [emptyObjects(900), emptyObjects(900)] };
    expect(problemOf(ChangeBeneficiariesDto, body).errors).toEqual([
      { path: 'beneficiaries', message: 'each value in beneficiaries must be an object' },
    ]);
  });

  it.each([
    ['an array of 1001 elements', { beneficiaries: Array(1001).fill(1) }, 'beneficiaries'],
    ['an object of 101 members', Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, 1])), ''],
    ['17 levels', JSON.parse(`${'{"a":'.repeat(16)}{}${'}'.repeat(16)}`) as object, 'a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a'],
    ['2001 objects and arrays', { beneficiaries: Array.from({ length: 1000 }, () => [[]]) }, ''],
  ])('%s: one problem, before any object is built', (_what, body, path) => {
    const problem = bodyShapeProblem(body);
    expect(problem?.errors).toEqual([{ path, message: expect.any(String) }]);
    expect(problemOf(ChangeBeneficiariesDto, body).errors).toEqual(problem?.errors);
  });

  it('paths and messages are cut short, and only the first 20 errors are listed with the total', () => {
    const problem = validationProblem(
      Array.from({ length: 500 }, (_, index) => ({
        path: `${'p'.repeat(10_000)}${index}`,
        message: 'm'.repeat(10_000),
      })),
    );
    expect(problem.errors).toHaveLength(20);
    expect(problem.detail).toBe('500 field(s) failed validation; the first 20 are listed');
    expect(JSON.stringify(problem.errors).length).toBeLessThan(12_000);
  });

  it('flattening a 100,000-deep error tree neither overflows the stack nor lists more than asked', () => {
    const root = new ValidationError();
    let node = root;
    for (let depth = 0; depth < 100_000; depth++) {
      node.property = 'a';
      node.constraints = { isDefined: 'missing' };
      const child = new ValidationError();
      node.children = [child];
      node = child;
    }
    node.property = 'a';
    const { errors, total } = flattenValidationErrors([root], 3);
    expect({ listed: errors.map((error) => error.path), total }).toEqual({
      listed: ['a', 'a.a', 'a.a.a'],
      total: 100_000,
    });
  });
});

function accepted(validate: () => unknown): boolean {
  try {
    validate();
    return true;
  } catch {
    return false;
  }
}
