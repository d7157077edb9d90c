// Runs the apps' TypeScript sources in a child process (`node -r ./swc-register.js apps/<app>/src/main.ts`), compiled
// on load with the build's own .swcrc (path aliases included). The projection e2e suites start the API, the relay
// and the projector as real processes so they can SIGKILL them; this keeps them on the sources under test instead
// of a possibly stale dist/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../../..');
const {
  exclude: _exclude,
  $schema: _schema,
  ...swcrc
} = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
const options = {
  ...swcrc,
  jsc: { ...swcrc.jsc, baseUrl: root },
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
