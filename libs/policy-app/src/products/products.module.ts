import { Module } from '@nestjs/common';
import { GetProductHandler } from './get-product/get-product.handler';
import { ProductsController } from './products.controller';
import { SampleCatalogue } from './sample-catalogue';

@Module({
  controllers: [ProductsController],
  providers: [GetProductHandler, SampleCatalogue],
})
export class ProductsModule {}
