import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Runs `.ts` sources in a worker thread (see the file); only where no built `.js` is beside the script. */
const SOURCE_LOADER = path.join(__dirname, 'ts-worker-loader.js');

/**
 * Starts a worker thread on `script` (a path without its extension, e.g. `path.join(__dirname, 'projection.worker')`):
 * the built `.js` when there is one (dist), otherwise the TypeScript source through a small loader that transpiles it
 * on the fly with SWC, as Jest does (the sources, under Jest). Either way the worker gets `options` as given.
 */
export function startWorkerThread(script: string, options: WorkerOptions = {}): Worker {
  if (existsSync(`${script}.js`)) return new Worker(`${script}.js`, options);
  return new Worker(SOURCE_LOADER, { ...options, argv: [`${script}.ts`, ...(options.argv ?? [])] });
}
