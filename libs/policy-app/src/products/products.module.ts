import { Module } from '@nestjs/common';
import { GetProductHandler } from './get-product/get-product.handler';
import { ProductImport } from './import-products/import-products';
import { ProductsController } from './products.controller';
import { SampleCatalogue } from './sample-catalogue';

@Module({
  controllers: [ProductsController],
  providers: [GetProductHandler, ProductImport, SampleCatalogue],
})
export class ProductsModule {}
