/**
 * Folded stream states kept between batches, so a store does not read back what it wrote itself. An entry is only
 * trusted when the stored revision of its stream still equals the cached one (the store checks that in the batch's
 * transaction), so another writer, a rebuild swap or a rolled-back batch can never make it serve a stale state.
 */
import { type StreamProgress } from './projections/project-batch';

export class StateCache {
  private readonly entries = new Map<string, StreamProgress>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): StreamProgress | undefined {
    return this.entries.get(streamId);
  }

  /** Inserts or refreshes; beyond capacity the least recently written stream is forgotten. */
  set(streamId: string, progress: StreamProgress): void {
    if (this.capacity <= 0) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, progress);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
