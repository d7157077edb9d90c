// One Jest run covers every tier; the tier shows in the file name (*.unit|int|e2e.spec.ts).
const { pathsToModuleNameMapper } = (() => {
  const tsconfig = require('./tsconfig.json');
  const mapper = {};
  for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions.paths)) {
    mapper[`^${alias.replace(/[/\-]/g, (c) => `\\${c}`)}$`] = `<rootDir>/${target}`;
  }
  return { pathsToModuleNameMapper: () => mapper };
})();

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(),
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        // .swcrc (the build's config) excludes specs; tests configure SWC here instead.
        swcrc: false,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2023',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  maxWorkers: 2,
  testTimeout: 30_000,
};
