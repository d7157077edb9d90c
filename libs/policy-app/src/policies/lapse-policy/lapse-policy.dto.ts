import { DateField, EnumField } from '../../common/dto/fields';

export class LapsePolicyDto {
  @DateField({ description: 'Not after today; on or after the lapse date of DESIGN 2.4' })
  lapsedOn!: string;

  @EnumField(['LOAN_EXCEEDS_CASH_VALUE'], {
    optional: true,
    description:
      'LOAN_EXCEEDS_CASH_VALUE: the loan lapse (DESIGN 2.10, the debt reached the cash value); absent: unpaid premium',
  })
  cause?: 'LOAN_EXCEEDS_CASH_VALUE';
}
