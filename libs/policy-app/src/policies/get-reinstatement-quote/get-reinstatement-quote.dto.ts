import { DateField } from '../../common/dto/fields';

export class GetReinstatementQuoteQueryDto {
  @DateField({ optional: true, description: 'The reinstatement date to quote for (default today)' })
  on?: string;
}
