import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isInstant } from './instant';
import { DateField, EMAIL_PATTERN, IntField, TextField } from './fields';
import { MoneyDto } from './money.dto';

class Sample {
  @DateField()
  on!: string;

  @DateField({ optional: true })
  until?: string;

  @IntField(1, 9)
  order!: number;
}

const failures = (plain: object, type: new () => object = Sample) =>
  validateSync(plainToInstance(type, plain), { whitelist: true, forbidNonWhitelisted: true }).map(
    (error) => error.property,
  );

describe('business date validator', () => {
  it.each(['2024-02-29', '2026-12-31', '1900-01-01', '2199-12-31'])('accepts the real date %s', (on) => {
    expect(failures({ on, order: 1 })).toEqual([]);
  });

  it.each([
    '2026-02-29',
    '2026-02-30',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-1-10',
    '20260110',
    '2026-01-10T00:00:00Z',
    ' 2026-01-10',
    20260110,
    null,
    // Outside 1900–2199: dates derived from them (terms, windows) must stay YYYY-MM-DD.
    '1899-12-31',
    '2200-01-01',
    '9999-06-01',
    '0001-01-01',
  ])('rejects %j', (on) => {
    expect(failures({ on, order: 1 })).toEqual(['on']);
  });

  it('optional dates may be absent but not null', () => {
    expect(failures({ on: '2026-01-10', order: 1 })).toEqual([]);
    expect(failures({ on: '2026-01-10', order: 1, until: null })).toEqual(['until']);
  });
});

describe('text fields', () => {
  class Contact {
    @TextField(254, { optional: true, pattern: EMAIL_PATTERN })
    email?: string;

    @TextField(40)
    receiptNo!: string;
  }

  it('reject control characters such as NUL, which PostgreSQL text columns cannot store', () => {
    expect(failures({ receiptNo: 'R\u00001' }, Contact)).toEqual(['receiptNo']);
    expect(failures({ receiptNo: 'R\u001b[1m' }, Contact)).toEqual(['receiptNo']);
    expect(failures({ receiptNo: 'R-1\tA' }, Contact)).toEqual([]);
  });

  it('e-mail addresses: one @ and a dotted domain', () => {
    for (const email of ['a@b.cn', 'first.last@mail.example.com'])
      expect(failures({ receiptNo: 'R', email }, Contact)).toEqual([]);
    for (const email of ['a@b', 'a@@b.cn', 'a b@c.cn', 'a@b..cn', 'a@.cn'])
      expect(failures({ receiptNo: 'R', email }, Contact)).toEqual(['email']);
  });
});

describe('integer minor-unit money', () => {
  it.each([0, 1, 123456, Number.MAX_SAFE_INTEGER])('accepts %d', (amount) => {
    expect(failures({ amount, currency: 'CNY' }, MoneyDto)).toEqual([]);
  });
  it.each([-1, 0.5, 100.01, '100', Number.MAX_SAFE_INTEGER + 1, Infinity, NaN, null])('rejects %j', (amount) => {
    expect(failures({ amount, currency: 'CNY' }, MoneyDto)).toEqual(['amount']);
  });
  it.each(['cny', 'CN', 'CNYX', '', 1])('rejects currency %j', (currency) => {
    expect(failures({ amount: 1, currency }, MoneyDto)).toEqual(['currency']);
  });
});

describe('instant validator (asOf)', () => {
  it.each(['2026-03-01T12:00:00Z', '2026-03-01T12:00Z', '2026-03-01T12:00:00.123456Z', '2026-03-01T20:00:00+08:00'])(
    'accepts %s',
    (value) => {
      expect(isInstant(value)).toBe(true);
    },
  );
  it.each(['2026-03-01', '2026-03-01T12:00:00', '2026-02-30T12:00:00Z', '2026-03-01T24:00:00Z', 'yesterday', 1])(
    'rejects %j',
    (value) => {
      expect(isInstant(value)).toBe(false);
    },
  );
});
