import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/request-context';
import type { AgentCommandResult } from '../shared/agent-command-result';
import type { RecordAgentDepartureDto } from './record-agent-departure.dto';

export class RecordAgentDepartureCommand extends Command<AgentCommandResult> {
  constructor(
    readonly agentId: string,
    readonly dto: RecordAgentDepartureDto,
    readonly context: RequestContext,
  ) {
    super();
  }
}
