import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class WrittenEventDoc {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty({ example: 'PremiumPaid' })
  type!: string;
  @ApiProperty({ example: 3 })
  revision!: number;
}

/** 201 body of every policy command (DESIGN 3); the ETag header carries the same revision. */
export class PolicyCommandResponse {
  @ApiProperty({ example: 'P2026000001' })
  policyId!: string;
  @ApiProperty({ description: "The stream's revision after the command", example: 3 })
  revision!: number;
  @ApiProperty({ type: () => WrittenEventDoc, isArray: true })
  events!: WrittenEventDoc[];
  @ApiPropertyOptional({
    description:
      'SendPremiumReminder only: the id of the reminder sent, for POST …/premium-reminders/{reminderId}/delivery',
    example: 'P2026000001-R1',
  })
  reminderId?: string;
}
