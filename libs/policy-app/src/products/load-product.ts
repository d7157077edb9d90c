import { loadAggregate, type EventStore } from '@lib/event-sourcing';
import { productAggregate, productStreamId, type ProductVersion } from '@lib/policy-domain';

/** The latest published version of a product (what a new policy is sold under); null when it has none. */
export async function loadLatestProductVersion(store: EventStore, productCode: string): Promise<ProductVersion | null> {
  const loaded = await loadAggregate(store, productAggregate, productStreamId(productCode));
  return loaded.state.versions.at(-1) ?? null;
}

/** One published version of a product; null when it does not exist. */
async function loadProductVersion(
  store: EventStore,
  productCode: string,
  version: number,
): Promise<ProductVersion | null> {
  const loaded = await loadAggregate(store, productAggregate, productStreamId(productCode));
  return loaded.state.versions[version - 1] ?? null;
}

/** At most this many product versions are kept: a catalogue has tens; the bound only stops a runaway. */
const MAX_CACHED_VERSIONS = 1_000;

/**
 * Published versions by code and number. A version never changes once published (DESIGN 2.8), so a version read
 * once is good for ever; one that does not exist (yet) is not remembered.
 */
export class ProductVersionCache {
  private readonly versions = new Map<string, ProductVersion>();

  constructor(private readonly store: EventStore) {}

  async load(productCode: string, version: number): Promise<ProductVersion | null> {
    const key = `${productCode}@${version}`;
    const cached = this.versions.get(key);
    if (cached !== undefined) return cached;
    const loaded = await loadProductVersion(this.store, productCode, version);
    if (loaded !== null) {
      if (this.versions.size >= MAX_CACHED_VERSIONS) this.versions.clear();
      this.versions.set(key, loaded);
    }
    return loaded;
  }
}
