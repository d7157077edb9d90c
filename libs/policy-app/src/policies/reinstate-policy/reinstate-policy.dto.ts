import { DateField, NestedField, TextField } from '../../common/dto/fields';
import { MoneyDto } from '../../common/dto/money.dto';
import { REFERENCE_MAX } from '../shared/policy-values.dto';

export class ReinstatePolicyDto {
  @DateField({ description: 'Not after today, not after the reinstatement deadline' })
  reinstatedOn!: string;

  @NestedField(() => MoneyDto, { description: 'Must equal the reinstatement quote for reinstatedOn exactly' })
  arrearsPaid!: MoneyDto;

  @TextField(REFERENCE_MAX)
  healthDeclarationRef!: string;
}
