import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { loadAggregate, type EventStore } from '@lib/event-sourcing';
import { productAggregate, productStreamId, productView, type ProductView } from '@lib/policy-domain';
import { EVENT_STORE } from '../../event-store/tokens';
import { ApiProblem, PROBLEM_CODES } from '../../problem/api-problem';
import { GetProductQuery } from './get-product.query';

@QueryHandler(GetProductQuery)
export class GetProductHandler implements IQueryHandler<GetProductQuery, ProductView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ productCode }: GetProductQuery): Promise<ProductView> {
    const loaded = await loadAggregate(this.store, productAggregate, productStreamId(productCode));
    if (loaded.revision === 'no_stream') {
      throw new ApiProblem(
        'NOT_FOUND',
        PROBLEM_CODES.PRODUCT_NOT_FOUND,
        `Product ${productCode} has no published version`,
      );
    }
    return productView(loaded.state, { revision: loaded.revision });
  }
}
