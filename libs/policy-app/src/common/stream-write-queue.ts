/** A command could not join its stream's queue: `maxWaiting` commands were already waiting for that stream. */
export class StreamQueueFullError extends Error {
  override readonly name = 'StreamQueueFullError';
  constructor(readonly streamId: string) {
    super(`Too many commands are waiting for ${streamId}`);
  }
}

interface StreamLine {
  /** Settles when the last task queued on the stream has settled. */
  tail: Promise<void>;
  /** Tasks queued or running on the stream. */
  queued: number;
}

const settled = (): void => undefined;

/**
 * Runs tasks on one stream one after the other, in arrival order; tasks on different streams run concurrently.
 * Bounded: a stream holds at most `maxQueued` tasks (running or waiting); one more is refused at once with
 * StreamQueueFullError, so a burst on one stream cannot pile up without limit. A stream without tasks holds no memory.
 */
export class StreamWriteQueue {
  private readonly lines = new Map<string, StreamLine>();

  constructor(readonly maxQueued: number) {}

  run<T>(streamId: string, task: () => Promise<T>): Promise<T> {
    let line = this.lines.get(streamId);
    if (line === undefined) {
      line = { tail: Promise.resolve(), queued: 0 };
      this.lines.set(streamId, line);
    }
    if (line.queued >= this.maxQueued) return Promise.reject(new StreamQueueFullError(streamId));
    line.queued++;
    const result = line.tail.then(task);
    const current = line;
    current.tail = result.then(settled, settled).then(() => {
      current.queued--;
      if (current.queued === 0) this.lines.delete(streamId);
    });
    return result;
  }

  /** Streams with queued or running tasks (for tests and metrics). */
  get activeStreams(): number {
    return this.lines.size;
  }
}
