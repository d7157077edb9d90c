import { DateField, IntField, NestedField, TextField } from '../../common/dto/fields';
import { PayeeDto, REFERENCE_MAX } from '../shared/policy-values.dto';

export class PaySurvivalBenefitDto {
  @IntField(1, 1000)
  periodNo!: number;

  @DateField({ description: 'Not after today, not before the due date' })
  paidOn!: string;

  @NestedField(() => PayeeDto)
  payee!: PayeeDto;

  @TextField(REFERENCE_MAX)
  paymentRef!: string;

  @TextField(REFERENCE_MAX)
  lifeConfirmationRef!: string;
}
