import { DateField } from '../../common/dto/fields';

export class LapsePolicyDto {
  @DateField({ description: 'Not after today; on or after the lapse date of DESIGN 2.4' })
  lapsedOn!: string;
}
