import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Clock, EventStore, IdGenerator } from '@lib/event-sourcing';
import type { OpenedEventStore } from './open-event-store';
import { CLOCK, EVENT_STORE, ID_GENERATOR } from './tokens';

export const EVENT_STORE_HANDLE = Symbol('EVENT_STORE_HANDLE');
export type EventStoreHandle = OpenedEventStore;

/** The event store port (opened before the app is created), the clock and the id generator; closes the store on shutdown. */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  static forRoot(opened: OpenedEventStore, clock: Clock, ids: IdGenerator): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: EVENT_STORE_HANDLE, useValue: opened },
        { provide: EVENT_STORE, useValue: opened.store },
        { provide: CLOCK, useValue: clock },
        { provide: ID_GENERATOR, useValue: ids },
      ],
      exports: [EVENT_STORE_HANDLE, EVENT_STORE, CLOCK, ID_GENERATOR],
    };
  }

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
