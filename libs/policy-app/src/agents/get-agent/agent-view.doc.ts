import { ApiProperty } from '@nestjs/swagger';
import { AGENT_ROLES, AGENT_STATUSES, REASSIGNMENT_STRATEGIES } from '@lib/policy-domain';

/** OpenAPI description of the domain's AgentView. */
export class AgentViewDoc {
  @ApiProperty() agentId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: AGENT_ROLES }) role!: string;
  @ApiProperty() branchCode!: string;
  @ApiProperty() region!: string;
  @ApiProperty({ enum: AGENT_STATUSES }) status!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) departedOn!: string | null;
  @ApiProperty({ enum: REASSIGNMENT_STRATEGIES, nullable: true }) reassignment!: string | null;
}
