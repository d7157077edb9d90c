import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ProductView } from '@lib/policy-domain';
import { RequirePermission } from '../auth/permission.decorator';
import { ProductCodePipe } from '../common/id-params';
import { ApiProblems, QUERY_PROBLEMS } from '../common/openapi';
import { GetProductQuery } from './get-product/get-product.query';
import { ProductViewDoc } from './get-product/product-view.doc';

/** The product queries; publishing a version is an operation (operations/operations.ts). */
@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':code')
  @RequirePermission('product:read')
  @ApiOperation({ summary: 'The product with every published version (clerk, supervisor, auditor, product-manager)' })
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
