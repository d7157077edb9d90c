import { PAYMENT_METHOD_TYPES } from '@lib/policy-domain';
import { DateField, EnumField, IntField, NestedField, TextField } from '../../common/dto/fields';
import { MoneyDto } from '../../common/dto/money.dto';

export class RecordPremiumPaymentDto {
  @IntField(1, 10_000, { description: 'Must be the next unpaid installment' })
  installmentNo!: number;

  @NestedField(() => MoneyDto, { description: 'Exactly the modal premium' })
  amount!: MoneyDto;

  @DateField({ description: 'Not after today' })
  paidOn!: string;

  @TextField(64, { description: 'Unique per policy', example: 'RCPT-2026-0001' })
  receiptNo!: string;

  @EnumField(PAYMENT_METHOD_TYPES, { optional: true, description: "Defaults to the policy's payment method" })
  method?: (typeof PAYMENT_METHOD_TYPES)[number];
}
