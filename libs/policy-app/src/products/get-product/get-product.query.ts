import { Query } from '@nestjs/cqrs';
import type { ProductView } from '@lib/policy-domain';

export class GetProductQuery extends Query<ProductView> {
  constructor(readonly productCode: string) {
    super();
  }
}
