import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AgentView } from '@lib/policy-domain';
import { RequirePermission } from '../auth/permission.decorator';
import { commandResponse } from '../common/command-response';
import { AgentIdPipe } from '../common/id-params';
import { ApiCommand } from '../common/api-command.decorator';
import { ApiProblems, QUERY_PROBLEMS } from '../common/openapi';
import { RestContext } from '../common/rest-context.decorator';
import type { RequestContext } from '../common/request-context';
import { GetAgentQuery } from './get-agent/get-agent.query';
import { AgentViewDoc } from './get-agent/agent-view.doc';
import { RecordAgentDepartureCommand } from './record-agent-departure/record-agent-departure.command';
import { RecordAgentDepartureDto } from './record-agent-departure/record-agent-departure.dto';
import { RegisterAgentCommand } from './register-agent/register-agent.command';
import { RegisterAgentDto } from './register-agent/register-agent.dto';
import { AgentCommandResponse } from './shared/agent-command-result';

@ApiTags('agents')
@Controller('v1/agents')
export class AgentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermission('agent:register')
  @ApiCommand({
    summary: 'RegisterAgent (supervisor)',
    response: AgentCommandResponse,
    events: 'AgentRegistered',
    ifMatch: false,
  })
  async register(
    @Body() dto: RegisterAgentDto,
    @RestContext({ ifMatch: false }) context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgentCommandResponse> {
    return commandResponse(response, await this.commands.execute(new RegisterAgentCommand(dto, context)));
  }

  @Post(':id/departure')
  @RequirePermission('agent:record-departure')
  @ApiCommand({
    summary:
      'RecordAgentDeparture (supervisor); BALANCED/REGION reassign the policies automatically, MANUAL leaves them orphaned',
    response: AgentCommandResponse,
    events: 'AgentDeparted',
  })
  @ApiParam({ name: 'id', description: 'Agent id' })
  async recordDeparture(
    @Param('id', AgentIdPipe) agentId: string,
    @Body() dto: RecordAgentDepartureDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgentCommandResponse> {
    return commandResponse(
      response,
      await this.commands.execute(new RecordAgentDepartureCommand(agentId, dto, context)),
    );
  }

  @Get(':id')
  @RequirePermission('agent:read')
  @ApiOperation({ summary: 'The agent (clerk, supervisor, auditor); ETag = revision' })
  @ApiParam({ name: 'id', description: 'Agent id' })
  @ApiOkResponse({ type: AgentViewDoc })
  @ApiProblems(...QUERY_PROBLEMS)
  async get(
    @Param('id', AgentIdPipe) agentId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgentView> {
    const { view } = await this.queries.execute(new GetAgentQuery(agentId));
    response.setHeader('ETag', `"${view.revision}"`);
    return view;
  }
}
