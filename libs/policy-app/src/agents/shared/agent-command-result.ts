import { ApiProperty } from '@nestjs/swagger';
import { WrittenEventDoc } from '../../policies/shared/policy-command-result';

/** 201 body of the agent commands (DESIGN 3: `agentId` instead of `policyId`). */
export class AgentCommandResponse {
  @ApiProperty({ example: 'AG-1001' })
  agentId!: string;
  @ApiProperty({ example: 0 })
  revision!: number;
  @ApiProperty({ type: () => WrittenEventDoc, isArray: true })
  events!: WrittenEventDoc[];
}
