/**
 * Durable checkpoints of catch-up subscriptions (the event relay's position in `$all`): a name → position map that
 * only moves forwards. PostgreSQL in production (READ_MODEL_URL, own schema so a read-model rebuild's schema swap
 * never touches it), a SQLite file in embedded mode.
 */
import { type Position } from '@lib/event-sourcing';

export interface CheckpointStore {
  /** The saved position of the named subscription; null when it never saved one (start from the beginning). */
  load(name: string): Promise<Position | null>;
  /**
   * Durably records the position (committed before the promise resolves). A position lower than the saved one is
   * ignored: a checkpoint never moves backwards.
   */
  save(name: string, position: Position): Promise<void>;
  close(): Promise<void>;
}
