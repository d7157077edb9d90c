import { AGENT_ID_PATTERN, AGENT_ROLES } from '@lib/policy-domain';
import { EnumField, TextField } from '../../common/dto/fields';
import { CODE_MESSAGE, CODE_PATTERN } from '../../policies/shared/policy-values.dto';

export class RegisterAgentDto {
  @TextField(32, {
    pattern: AGENT_ID_PATTERN,
    patternMessage: `$property must match ${AGENT_ID_PATTERN.source}`,
    example: 'AG-1001',
  })
  agentId!: string;

  @TextField(100)
  name!: string;

  @EnumField(AGENT_ROLES)
  role!: (typeof AGENT_ROLES)[number];

  @TextField(32, { pattern: CODE_PATTERN, patternMessage: CODE_MESSAGE })
  branchCode!: string;

  @TextField(64)
  region!: string;
}
