import { StreamQueueFullError, StreamWriteQueue } from './stream-write-queue';

/** A task that runs until the test lets it finish, recording when it started and ended. */
function controlledTask(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    finish: () => finish(),
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('StreamWriteQueue', () => {
  it('tasks on one stream run one after the other, in arrival order', async () => {
    const queue = new StreamWriteQueue(10);
    const log: string[] = [];
    const first = controlledTask(log, 'a1');
    const second = controlledTask(log, 'a2');
    const results = [queue.run('policy-A', first.task), queue.run('policy-A', second.task)];
    await flush();
    expect(log).toEqual(['start a1']);
    second.finish(); // finishing out of order changes nothing: a2 has not started
    first.finish();
    expect(await Promise.all(results)).toEqual(['a1', 'a2']);
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2']);
  });

  it('tasks on different streams run concurrently', async () => {
    const queue = new StreamWriteQueue(10);
    const log: string[] = [];
    const a = controlledTask(log, 'a');
    const b = controlledTask(log, 'b');
    const results = [queue.run('policy-A', a.task), queue.run('policy-B', b.task)];
    await flush();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    a.finish();
    await Promise.all(results);
  });

  it('a failing task does not stop the next one; its error reaches its own caller only', async () => {
    const queue = new StreamWriteQueue(10);
    const failing = queue.run('policy-A', () => Promise.reject(new Error('rejected by a rule')));
    const next = queue.run('policy-A', async () => 'ran');
    await expect(failing).rejects.toThrow('rejected by a rule');
    await expect(next).resolves.toBe('ran');
  });

  it('a stream holding maxQueued tasks refuses one more at once; others streams are unaffected', async () => {
    const queue = new StreamWriteQueue(2);
    const log: string[] = [];
    const running = controlledTask(log, 'a1');
    const waiting = controlledTask(log, 'a2');
    const accepted = [queue.run('policy-A', running.task), queue.run('policy-A', waiting.task)];
    await expect(queue.run('policy-A', async () => 'a3')).rejects.toBeInstanceOf(StreamQueueFullError);
    await expect(queue.run('policy-B', async () => 'b1')).resolves.toBe('b1');
    running.finish();
    waiting.finish();
    await Promise.all(accepted);
    await expect(queue.run('policy-A', async () => 'a4')).resolves.toBe('a4');
  });

  it('keeps nothing for a stream once its tasks are done', async () => {
    const queue = new StreamWriteQueue(10);
    await Promise.all(Array.from({ length: 5 }, (_, index) => queue.run(`policy-${index % 2}`, async () => index)));
    await flush();
    expect(queue.activeStreams).toBe(0);
  });
});
