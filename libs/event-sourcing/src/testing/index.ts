export { describeEventStoreContract, testEvent, type EventStoreContractHarness } from './event-store-contract';
