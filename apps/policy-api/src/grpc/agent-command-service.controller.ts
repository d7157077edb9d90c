import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { GrpcMethod } from '@nestjs/microservices';
import { RecordAgentDepartureCommand } from '../agents/record-agent-departure/record-agent-departure.command';
import { RecordAgentDepartureDto } from '../agents/record-agent-departure/record-agent-departure.dto';
import { RegisterAgentCommand } from '../agents/register-agent/register-agent.command';
import { RegisterAgentDto } from '../agents/register-agent/register-agent.dto';
import { RequirePermission } from '../auth/permission.decorator';
import { AgentIdPipe } from '../common/id-params';
import type { GrpcCall } from './grpc-call';
import { GrpcAuthGuard } from './grpc-auth.guard';
import { GrpcMessages, type JsonObject } from './grpc-messages';
import { GrpcProblemFilter } from './grpc-problem.filter';
import { POLICY_COMMAND_SERVICE } from './proto-files';

const REPLY = 'AgentCommandResponse';

/** PolicyCommandService, agent rpcs: the same Nest commands as the REST AgentsController. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseFilters(GrpcProblemFilter)
export class AgentCommandServiceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly messages: GrpcMessages,
  ) {}

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'RegisterAgent')
  @RequirePermission('agent:register')
  async registerAgent(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, context } = this.messages.command(call, request, {
      message: 'RegisterAgentRequest',
      dto: RegisterAgentDto,
    });
    return this.messages.commandReply(call, REPLY, await this.commands.execute(new RegisterAgentCommand(dto, context)));
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'RecordAgentDeparture')
  @RequirePermission('agent:record-departure')
  async recordAgentDeparture(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'RecordAgentDepartureRequest',
      dto: RecordAgentDepartureDto,
      ids: { agentId: new AgentIdPipe() },
    });
    const result = await this.commands.execute(new RecordAgentDepartureCommand(ids.agentId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }
}
