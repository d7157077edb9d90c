import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createReadModelStore, ReadModelLayoutOutdatedError, type ReadModelStore } from '@lib/read-models';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { LOGGER } from '../logging/logger';

/** The read models cannot be reached right now (PostgreSQL down, store closing): reports answer 503. */
export class ReadModelsUnavailableError extends Error {
  override readonly name = 'ReadModelsUnavailableError';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`The read models are unavailable: ${reason}`, options);
  }
}

/**
 * The process's one read-model store (DESIGN 1: PostgreSQL when READ_MODEL_URL is set, else SQLite in DATA_DIR),
 * opened on first use rather than at start-up, so an unreachable database makes reports answer 503 (and the
 * embedded projector retry) instead of keeping the API from starting. A failed open is retried by the next caller.
 * Shared by the reports, the embedded projector and (later) the scheduler's due-work queries.
 *
 * Read models of another layout than this release's (ReadModelLayout: an older release's tables) are not read: until
 * they are replaced, `store()` refuses with ReadModelsUnavailableError (reports 503, readiness false) saying why. In
 * embedded mode the embedded projector replaces them itself (a rebuild from the event log, swapped in); with Kafka the
 * message names `policyctl rebuild`. The layout is checked again on every call until it is found current.
 */
@Injectable()
export class ReadModelConnection implements OnApplicationShutdown {
  private opened: ReadModelStore | undefined;
  private opening: Promise<ReadModelStore> | undefined;
  private closed = false;
  /** The live tables were found in this release's layout (checked until then). */
  private layoutCurrent = false;
  private outdatedLogged = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `postgres` or `sqlite`, from the configuration (known before the store is opened). */
  get kind(): ReadModelStore['kind'] {
    return this.config.readModelUrl === undefined ? 'sqlite' : 'postgres';
  }

  /**
   * @throws ReadModelsUnavailableError when the store cannot be opened (the next call tries again), is closed, or its
   * tables have another layout than this release's.
   */
  async store(): Promise<ReadModelStore> {
    const store = await this.storeOfAnyLayout();
    if (!this.layoutCurrent) await this.checkLayout(store);
    return store;
  }

  /**
   * The store whatever the layout of its tables: for the embedded projector, which replaces an older layout by a
   * rebuild. @throws ReadModelsUnavailableError as `store()`, except for the layout.
   */
  async storeOfAnyLayout(): Promise<ReadModelStore> {
    if (this.closed) throw new ReadModelsUnavailableError('the API is shutting down');
    if (this.opened !== undefined) return this.opened;
    this.opening ??= this.open();
    return this.opening;
  }

  private async checkLayout(store: ReadModelStore): Promise<void> {
    let layout;
    try {
      layout = await store.layout();
    } catch (error) {
      throw new ReadModelsUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    if (layout.upToDate) {
      this.layoutCurrent = true;
      return;
    }
    const outdated = new ReadModelLayoutOutdatedError(layout);
    if (this.config.embeddedProjection) {
      throw new ReadModelsUnavailableError(
        `they are being rebuilt from the event log into this release's layout ${layout.current} (the tables have ` +
          `${layout.stored ?? 'none'}); they are back once the rebuilt tables are swapped in`,
        { cause: outdated },
      );
    }
    if (!this.outdatedLogged) {
      this.outdatedLogged = true;
      this.logger.error(
        { storedLayout: layout.stored, layout: layout.current },
        `reports are unavailable: ${outdated.message}`,
      );
    }
    throw new ReadModelsUnavailableError(outdated.message, { cause: outdated });
  }

  private async open(): Promise<ReadModelStore> {
    try {
      const store = await createReadModelStore({
        readModelUrl: this.config.readModelUrl,
        schema: this.config.readModelSchema,
        dataDir: this.config.dataDir,
      });
      if (this.closed) {
        await store.close();
        throw new ReadModelsUnavailableError('the API is shutting down');
      }
      this.opened = store;
      this.logger.info({ readModels: store.kind }, 'read-model store opened');
      return store;
    } catch (error) {
      this.opening = undefined;
      if (error instanceof ReadModelsUnavailableError) throw error;
      throw new ReadModelsUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  /** Runs after every module's beforeApplicationShutdown, so the embedded projector has stopped writing. */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const store = this.opened ?? (await this.opening?.catch(() => undefined));
    this.opened = undefined;
    await store?.close();
  }
}
