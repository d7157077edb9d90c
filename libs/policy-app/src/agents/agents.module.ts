import { Module } from '@nestjs/common';
import { AgentsController } from './agents.controller';
import { GetAgentHandler } from './get-agent/get-agent.handler';

@Module({
  controllers: [AgentsController],
  providers: [GetAgentHandler],
})
export class AgentsModule {}
