// Public entry of @lib/feed-runtime: the one feed runtime (DESIGN 5). Sources (the event store's `$all` subscription
// and bounded scan here, the Kafka consumer group in libs/kafka) feed one pipeline with one batcher, one retry policy,
// one poison isolation and quarantine and one checkpoint contract. No driver, no framework.
export * from './retry';
export * from './batching';
export * from './feed-pipeline';
export * from './feed-sources';
