import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AgentView } from '@lib/policy-domain';
import { RequirePermission } from '../auth/permission.decorator';
import { AgentIdPipe } from '../common/id-params';
import { ApiProblems, QUERY_PROBLEMS } from '../common/openapi';
import { GetAgentQuery } from './get-agent/get-agent.query';
import { AgentViewDoc } from './get-agent/agent-view.doc';

/** The agent queries; the agent commands are operations (operations/operations.ts). */
@ApiTags('agents')
@Controller('v1/agents')
export class AgentsController {
  constructor(private readonly queries: QueryBus) {}

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
