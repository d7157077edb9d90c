export { describeEventStoreContract, testEvent, type EventStoreContractHarness } from './event-store-contract';
export { ScriptedSubscriptions, type SubscriptionScript } from './scripted-subscriptions';
