import { AGENT_ID_PATTERN } from '@lib/policy-domain';
import { DateField, TextField } from '../../common/dto/fields';

export class ReassignOrphanPolicyDto {
  @TextField(32, { pattern: AGENT_ID_PATTERN, patternMessage: `$property must match ${AGENT_ID_PATTERN.source}` })
  toAgentId!: string;

  @DateField()
  effectiveDate!: string;
}
