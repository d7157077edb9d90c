/**
 * Disposal of EventStoreDB clients, ordered against appends in flight across the whole process.
 *
 * Why process-wide: @eventstore/db-client 6.x keeps the pending batch appends of every client in one module-level
 * map. Disposing a client cancels its batch-append call, whose error handler then rejects the pending appends of
 * every client in the process; when the other clients' replies arrive, the library finds no pending append for
 * them and throws inside its stream handler — an uncaught exception that ends the process. So a client is disposed
 * only while no append of any client is in flight, and appends that start meanwhile wait until it is disposed.
 * (One client per process avoids the hazard altogether; this makes several safe to close in any order.)
 *
 * What it cannot cover: a batch-append call that fails on its own (a dropped connection) also rejects the other
 * clients' appends. Clients of one server share the connection and fail together; clients of different servers in
 * one process do not — keep one EventStoreDB connection string per process.
 */

let appendsInFlight = 0;
let idleWaiters: Array<() => void> = [];
let disposing: Promise<void> | undefined;

/** Runs an append once no client is being disposed; a disposal waits for it to settle. */
export async function appendInOrder<T>(append: () => Promise<T>): Promise<T> {
  while (disposing !== undefined) await disposing;
  appendsInFlight += 1;
  try {
    return await append();
  } finally {
    appendsInFlight -= 1;
    if (appendsInFlight === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}

/** Disposes a client once no append of any client is in flight; appends that start meanwhile wait for it. */
export async function disposeInOrder(dispose: () => Promise<void>): Promise<void> {
  while (disposing !== undefined) await disposing;
  const run = (async () => {
    // Appends in flight end within their deadline (appendDeadlineMs, or the connection's defaultDeadline).
    while (appendsInFlight > 0) await new Promise<void>((wake) => idleWaiters.push(wake));
    await dispose();
  })();
  const current = run.then(
    () => undefined,
    () => undefined,
  );
  disposing = current;
  try {
    await run;
  } finally {
    if (disposing === current) disposing = undefined;
  }
}
