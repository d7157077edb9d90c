import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { ApiRequest } from '../common/api-request';
import { ApiProblems } from '../common/openapi';
import { RequirePermission } from './permission.decorator';

class WhoAmIResponse {
  @ApiProperty({ example: 'desk-1' })
  id!: string;
  @ApiProperty({ example: ['clerk'] })
  roles!: string[];
}

/** The caller's API key id and roles; any valid key. Cheap: also the benchmark's framework-ceiling route. */
@ApiTags('auth')
@Controller('v1/whoami')
export class WhoAmIController {
  @Get()
  @RequirePermission('authenticated')
  @ApiOperation({ summary: 'The authenticated API key id and roles' })
  @ApiOkResponse({ type: WhoAmIResponse })
  @ApiProblems(401)
  whoami(@Req() request: ApiRequest): WhoAmIResponse {
    return { id: request.actor!.id, roles: [...request.actor!.roles] };
  }
}
