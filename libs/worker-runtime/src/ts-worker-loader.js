// @ts-check
'use strict';
/*
 * Runs a worker thread's TypeScript source (process.argv[2]) when there is no build of it: under Jest, which
 * transpiles the sources for its own thread but not for the threads they start. `.ts` modules are transpiled with
 * SWC as jest.config.js does, and the `@lib/*` aliases of tsconfig.json resolve to their folders. Plain CommonJS on
 * purpose, like writer.worker.js: it must load before anything can be transpiled. Never used from dist (see
 * worker-thread.ts), where SWC is not installed.
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

/** @returns {string} the folder of tsconfig.json above this file */
function repositoryRoot() {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'tsconfig.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('ts-worker-loader: no tsconfig.json above ' + __dirname);
  }
}

const root = repositoryRoot();
/** @type {Record<string, string[]>} */
const paths = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).compilerOptions.paths;
const aliases = new Map(Object.entries(paths).map(([alias, [target]]) => [alias, path.join(root, target)]));

// Loaded lazily and only here: a dev dependency.
const { transformSync } = require('@swc/core');
/** @type {import('@swc/core').Options} */
const swcOptions = {
  swcrc: false,
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

/** @type {any} */
const loader = Module;
const resolveFilename = loader._resolveFilename;
loader._resolveFilename = function (/** @type {string} */ request, /** @type {unknown[]} */ ...rest) {
  return resolveFilename.call(this, aliases.get(request) ?? request, ...rest);
};
loader._extensions['.ts'] = function (/** @type {any} */ module, /** @type {string} */ filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swcOptions, filename });
  module._compile(code, filename);
};

require(path.resolve(process.argv[2]));
