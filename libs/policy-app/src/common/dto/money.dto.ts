import { CURRENCY_PATTERN, type Money } from '@lib/policy-domain';
import { IntField, TextField } from './fields';

/** Integer minor units (fen, cents) ≥ 0; never a float. */
export class MoneyDto {
  @IntField(0, Number.MAX_SAFE_INTEGER, { description: 'Integer minor units (e.g. fen), ≥ 0', example: 120000 })
  amount!: number;

  @TextField(3, {
    pattern: CURRENCY_PATTERN,
    patternMessage: '$property must be an ISO 4217 code such as CNY',
    example: 'CNY',
  })
  currency!: string;
}

/** The domain value of a validated MoneyDto, field by field. */
export function moneyOf(dto: MoneyDto): Money {
  return { amount: dto.amount, currency: dto.currency };
}
