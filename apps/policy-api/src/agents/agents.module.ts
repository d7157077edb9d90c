import { Module } from '@nestjs/common';
import { AgentsController } from './agents.controller';
import { GetAgentHandler } from './get-agent/get-agent.handler';
import { RecordAgentDepartureHandler } from './record-agent-departure/record-agent-departure.handler';
import { RegisterAgentHandler } from './register-agent/register-agent.handler';

@Module({
  controllers: [AgentsController],
  providers: [RegisterAgentHandler, RecordAgentDepartureHandler, GetAgentHandler],
})
export class AgentsModule {}
