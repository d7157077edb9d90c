// Lint rules, including the architecture's import boundaries (DESIGN 1, STYLE rules 1, 6 and 7).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const frameworksAndDrivers = [
  {
    group: ['@nestjs/*', 'class-validator', 'class-transformer', 'rxjs', 'reflect-metadata'],
    message: 'The domain and kernel are framework-free.',
  },
  {
    group: ['node:*', 'fs', 'path', 'crypto', 'sqlite'],
    message: 'The domain and kernel do no I/O and read no clock or randomness: inject it.',
  },
  {
    group: ['@eventstore/*', 'kafkajs', 'pg', 'pino', '@grpc/*', '@opentelemetry/*'],
    message: 'Drivers belong in their adapter.',
  },
  {
    group: ['@lib/eventstore-*', '@lib/kafka', '@lib/read-models'],
    message: 'Adapters depend on the kernel, never the reverse.',
  },
];
const deepLibImports = {
  group: [
    '@lib/*/*',
    '!@lib/event-sourcing/testing',
    '!@lib/kafka/testing',
    '!@lib/policy-app/testing',
    '!@lib/worker-runtime/testing',
    '!@lib/tracing/testing',
    '**/libs/**',
    '**/apps/**',
  ],
  message: 'Import a lib through its public entry (@lib/<name>).',
};
const onlyIn = (name, message) => ({ group: [name], message });
/**
 * Apps are entry points: an app never imports another app, and a lib never imports an app, however the path is
 * spelled (checked on the resolved file). Shared code lives in libs.
 */
const APPS = ['policy-api', 'scheduler', 'policyctl', 'event-relay', 'projector'];
const appBoundaries = [
  ...APPS.map((app) => ({
    target: `./apps/${app}`,
    from: './apps',
    except: [`./${app}`],
    message: 'An app never imports another app: move the shared code into a lib.',
  })),
  { target: './libs', from: './apps', message: 'A lib never imports an app.' },
  { target: './bench', from: './apps', message: 'Benchmarks run apps as processes or import libs.' },
  { target: './test', from: './apps', except: ['./*/src/main.ts'], message: 'Suites import libs, not app sources.' },
];

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.tools/**', '.kafka/**', 'data/**', '**/*.js', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': ['error', { zones: appBoundaries }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepLibImports,
            onlyIn('node:sqlite', 'node:sqlite is imported only by the SQLite adapters.'),
            onlyIn('@eventstore/db-client', '@eventstore/db-client is imported only by libs/eventstore-esdb.'),
            onlyIn('kafkajs', 'kafkajs is imported only by libs/kafka.'),
            onlyIn('pg', 'pg is imported only by the PostgreSQL read-model store.'),
            onlyIn('@opentelemetry/*', '@opentelemetry/* is imported only by libs/tracing.'),
          ],
        },
      ],
    },
  },
  {
    // Pure libs: no framework, no driver, no I/O, no hidden clock or randomness.
    files: ['libs/policy-domain/src/**/*.ts', 'libs/event-sourcing/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/event-sourcing/src/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [deepLibImports, ...frameworksAndDrivers] }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time enters through the command or an injected clock.' },
        { object: 'Math', property: 'random', message: 'Randomness is injected.' },
        { object: 'crypto', property: 'randomUUID', message: 'Ids are injected.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'new Date() reads the clock: take the time from the command.',
        },
      ],
    },
  },
  {
    // The kernel knows no domain: dependencies point inward (apps -> adapters -> event-sourcing <- policy-domain).
    files: ['libs/event-sourcing/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/event-sourcing/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepLibImports,
            ...frameworksAndDrivers,
            { group: ['@lib/policy-domain'], message: 'The kernel is generic.' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/eventstore-sqlite/src/**/*.ts', 'libs/read-models/src/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepLibImports] }] },
  },
  {
    files: ['libs/eventstore-esdb/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepLibImports, onlyIn('node:sqlite', 'SQLite belongs to its adapter.')] },
      ],
    },
  },
  {
    files: ['libs/kafka/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepLibImports] }] },
  },
  {
    files: ['libs/tracing/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepLibImports] }] },
  },
  {
    // The feed runtime is generic: it knows the event-store port, no driver, framework or read model.
    files: ['libs/feed-runtime/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepLibImports,
            frameworksAndDrivers[0],
            frameworksAndDrivers[2],
            { group: ['@lib/*', '!@lib/event-sourcing'], message: 'The feed runtime depends on the kernel only.' },
          ],
        },
      ],
    },
  },
  {
    // Nest resolves constructor parameters through decorator metadata: those imports must stay value imports.
    files: ['apps/**/*.ts', 'libs/policy-app/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
