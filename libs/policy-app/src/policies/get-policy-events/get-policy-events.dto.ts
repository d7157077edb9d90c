import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, ValidateIf } from 'class-validator';

export const DEFAULT_EVENTS_PAGE = 100;
export const MAX_EVENTS_PAGE = 1000;

export class GetPolicyEventsQueryDto {
  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @Matches(/^(0|[1-9]\d{0,14})$/, { message: 'fromRevision must be a non-negative integer' })
  @ApiPropertyOptional({ description: 'First revision to return (default 0)', example: '0' })
  fromRevision?: string;

  @ValidateIf((_object, value) => value !== undefined)
  @IsString()
  @Matches(/^([1-9]\d{0,2}|1000)$/, { message: `limit must be an integer 1–${MAX_EVENTS_PAGE}` })
  @ApiPropertyOptional({
    description: `Page size 1–${MAX_EVENTS_PAGE} (default ${DEFAULT_EVENTS_PAGE})`,
    example: '100',
  })
  limit?: string;
}
