// Durable checkpoints of catch-up subscriptions (the event relay's position in $all).
export * from './checkpoint-store';
export * from './create-checkpoint-store';
