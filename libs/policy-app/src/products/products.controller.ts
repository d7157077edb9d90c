import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ProductView } from '@lib/policy-domain';
import { RequirePermission } from '../auth/permission.decorator';
import { ProductCodePipe } from '../common/id-params';
import { ApiProblems, QUERY_PROBLEMS } from '../common/openapi';
import { GetReportQuery } from '../reports/get-report.query';
import type { ReportResultOf } from '../reports/report-items';
import { ProductsPageDoc } from '../reports/report-page.doc';
import { ProductsQueryDto, toReportRequest } from '../reports/report-query.dto';
import { GetProductQuery } from './get-product/get-product.query';
import { ProductViewDoc } from './get-product/product-view.doc';

/** The product queries; publishing a version is an operation (operations/operations.ts). */
@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequirePermission('product:read')
  @ApiOperation({
    summary:
      'Every product with the summary of its latest version, by product code (any authenticated role). Read from the ' +
      'products read model: `caughtUp` says how far it has caught up with the event log. Paged: pass `nextCursor` ' +
      'back as `cursor`.',
  })
  @ApiOkResponse({ type: ProductsPageDoc })
  @ApiProblems(400, 401, 403, 503)
  list(@Query() query: ProductsQueryDto): Promise<ReportResultOf<'products'>> {
    return this.queries.execute(new GetReportQuery(toReportRequest.products(query))) as Promise<
      ReportResultOf<'products'>
    >;
  }

  @Get(':code')
  @RequirePermission('product:read')
  @ApiOperation({ summary: 'The product with every published version (any authenticated role)' })
  @ApiParam({ name: 'code', description: 'Product code' })
  @ApiOkResponse({ type: ProductViewDoc })
  @ApiProblems(...QUERY_PROBLEMS)
  async get(
    @Param('code', ProductCodePipe) productCode: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProductView> {
    const view = await this.queries.execute(new GetProductQuery(productCode));
    response.setHeader('ETag', `"${view.revision}"`);
    return view;
  }
}
