import { AgentIdPipe } from '../../common/id-params';
import type { AgentOperation } from '../../operations/operation';
import { RecordAgentDepartureDto } from './record-agent-departure.dto';

export const recordAgentDeparture: AgentOperation<'RecordAgentDeparture', RecordAgentDepartureDto, 'agentId'> = {
  name: 'RecordAgentDeparture',
  target: 'agent',
  access: { name: 'agent:record-departure', roles: ['supervisor'] },
  summary:
    'RecordAgentDeparture (supervisor); BALANCED/REGION reassign the policies automatically, MANUAL leaves them orphaned',
  events: 'AgentDeparted',
  dto: RecordAgentDepartureDto,
  example: { departedOn: '2026-06-30', reassignment: 'BALANCED' },
  rest: { path: ':id/departure', ids: { agentId: { pipe: AgentIdPipe, description: 'Agent id' } } },
  targetId: ({ ids }) => ids.agentId,
  command: ({ dto, env }) => ({
    type: 'RecordAgentDeparture',
    data: { departedOn: dto.departedOn, ...(dto.reassignment === undefined ? {} : { reassignment: dto.reassignment }) },
    context: { today: env.today },
  }),
};
