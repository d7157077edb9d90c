import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, ValidateIf } from 'class-validator';
import { DateField } from '../../common/dto/fields';
import { IsInstant } from '../../common/dto/instant';

export class GetPolicyQueryDto {
  @ValidateIf((_object, value) => value !== undefined)
  @IsInstant()
  @ApiPropertyOptional({
    description: 'ISO-8601 instant: the state from the events recorded at or before it',
    example: '2026-03-01T12:00:00Z',
  })
  asOf?: string;

  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @Matches(/^(0|[1-9]\d{0,14})$/, { message: 'revision must be a non-negative integer' })
  @ApiPropertyOptional({ description: 'The state after this revision (0-based)', example: '3' })
  revision?: string;

  @DateField({
    optional: true,
    description:
      'The business date to show the contract on (terms, schedule and status by law in force that day); combines ' +
      "with asOf or revision. Default: today, or the policy's effective date while it has not taken effect yet. " +
      'A date before the effective date → 422 DATE_BEFORE_POLICY',
    example: '2026-09-01',
  })
  effectiveOn?: string;
}
