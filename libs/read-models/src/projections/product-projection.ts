/**
 * Projection of product streams into `products` (DESIGN 2.8): one row per product, the summary of its latest
 * version. A ProductVersionPublished event carries the whole version, so the row is derived from the event alone and
 * the stream keeps no state between events (see ProductStreamState).
 */
import { type ProductRow } from '../read-model-rows';
import { type ProductProjectionEvent } from './projection-event';
import { upsert, type RowChange } from './row-changes';

export function projectProductEvent({ event }: ProductProjectionEvent): RowChange[] {
  switch (event.type) {
    case 'ProductVersionPublished': {
      const version = event.data;
      const row: ProductRow = {
        productCode: version.productCode,
        latestVersion: version.version,
        name: version.name,
        kind: version.kind,
        jurisdiction: version.jurisdiction,
        currency: version.currency,
        publishedOn: version.publishedOn,
      };
      return [upsert('products', row)];
    }
    default: {
      const _exhaustive: never = event.type;
      throw new Error(`Unknown product event ${String(_exhaustive)}`);
    }
  }
}
