import { EXAMPLE_AGENT_ID, type AgentOperation } from '../../operations/operation';
import { RegisterAgentDto } from './register-agent.dto';

export const registerAgent: AgentOperation<'RegisterAgent', RegisterAgentDto> = {
  name: 'RegisterAgent',
  target: 'agent',
  access: { name: 'agent:register', roles: ['supervisor'] },
  summary: 'RegisterAgent (supervisor)',
  events: 'AgentRegistered',
  dto: RegisterAgentDto,
  example: { agentId: EXAMPLE_AGENT_ID, name: '王芳', role: 'SERVICING', branchCode: 'SH-001', region: 'EAST' },
  rest: { path: '', ids: {}, creates: true },
  targetId: ({ dto }) => dto.agentId,
  command: ({ dto, env }) => ({
    type: 'RegisterAgent',
    data: { agentId: dto.agentId, name: dto.name, role: dto.role, branchCode: dto.branchCode, region: dto.region },
    context: { today: env.today },
  }),
};
