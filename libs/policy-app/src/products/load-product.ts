import { loadAggregate, type EventStore } from '@lib/event-sourcing';
import { productAggregate, productStreamId, type ProductVersion } from '@lib/policy-domain';

/** The latest published version of a product (what a new policy is sold under); null when it has none. */
export async function loadLatestProductVersion(store: EventStore, productCode: string): Promise<ProductVersion | null> {
  const loaded = await loadAggregate(store, productAggregate, productStreamId(productCode));
  return loaded.state.versions.at(-1) ?? null;
}

/** One published version of a product; null when it does not exist. */
export async function loadProductVersion(
  store: EventStore,
  productCode: string,
  version: number,
): Promise<ProductVersion | null> {
  const loaded = await loadAggregate(store, productAggregate, productStreamId(productCode));
  return loaded.state.versions[version - 1] ?? null;
}
