/**
 * scripts/dead-exports.mjs on small fixture projects written to a temporary folder: what counts as a use (named,
 * renamed, type-only, namespace and dynamic imports, through barrels) and what never is dead (entry points, testing/
 * files specs reach, the allowlist).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../../scripts/dead-exports.mjs');

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023'],
    module: 'commonjs',
    moduleResolution: 'node',
    strict: true,
    types: [],
    baseUrl: '.',
    paths: { '@lib/thing': ['libs/thing/src'] },
  },
  include: ['apps/**/*.ts', 'libs/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
});

interface Run {
  readonly status: number | null;
  readonly lines: string[];
}

/** Writes the files (path -> content) next to a tsconfig.json and runs the check on them. */
function runOn(files: Record<string, string>): Run {
  const root = mkdtempSync(join(tmpdir(), 'dead-exports-'));
  try {
    for (const [path, content] of Object.entries({ 'tsconfig.json': TSCONFIG, ...files })) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    const run = spawnSync(process.execPath, [SCRIPT, '--project', join(root, 'tsconfig.json')], { encoding: 'utf8' });
    if (run.status !== 0 && run.status !== 1) throw new Error(`dead-exports failed: ${run.stderr}`);
    return { status: run.status, lines: run.stdout.split('\n').filter((line) => line !== '') };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('dead-exports', () => {
  it('lists exactly the export nobody imports, through a barrel or directly', () => {
    const run = runOn({
      'libs/thing/src/values.ts': 'export const used = 1;\nexport const unused = 2;\n',
      'libs/thing/src/index.ts': "export * from './values';\n",
      'apps/app/src/main.ts': "import { used } from '@lib/thing';\nconsole.log(used);\n",
    });

    expect(run.lines).toEqual(['libs/thing/src/values.ts:2 unused']);
    expect(run.status).toBe(1);
  });

  it('exits 0 when every export is imported', () => {
    const run = runOn({
      'libs/thing/src/values.ts': 'export const used = 1;\n',
      'apps/app/src/main.ts': "import { used } from '../../../libs/thing/src/values';\nconsole.log(used);\n",
    });

    expect(run).toEqual({ status: 0, lines: [] });
  });

  it('follows renamed, type-only, default and namespace imports, and re-exports through barrels', () => {
    const run = runOn({
      'libs/thing/src/shapes.ts': [
        'export interface Shape { readonly sides: number }',
        'export type Unimported = Shape;',
        'export default class Square {}',
        'export function area(shape: Shape): number { return shape.sides; }',
        'export function localOnly(): number { return 1; }',
        'export const usesLocal = localOnly();',
        'export const passedOn = 1;',
      ].join('\n'),
      'libs/thing/src/maths.ts': 'export const PI = 3;\nexport const TAU = 6;\nexport const E = 2;\n',
      'libs/thing/src/unreached.ts': 'export const viaStarOnly = 1;\n',
      'libs/thing/src/index.ts': [
        "import { area as computeArea, passedOn } from './shapes';",
        'export { computeArea as surface, passedOn };',
        "export { type Shape, type Unimported, usesLocal as shapeValue } from './shapes';",
        "export * from './unreached';",
      ].join('\n'),
      'apps/app/src/main.ts': [
        "import Square from '../../../libs/thing/src/shapes';",
        "import { surface, type Shape as Polygon } from '@lib/thing';",
        "import * as maths from '../../../libs/thing/src/maths';",
        'export const exportedByEntry = true;',
        'const shape: Polygon = { sides: maths.PI };',
        'console.log(new Square(), surface(shape));',
      ].join('\n'),
      'libs/thing/src/maths.unit.spec.ts': "import { TAU } from './maths';\nconsole.log(TAU);\n",
    });

    expect(run.lines).toEqual([
      'libs/thing/src/index.ts:2 passedOn',
      'libs/thing/src/index.ts:3 Unimported',
      'libs/thing/src/index.ts:3 shapeValue',
      "libs/thing/src/index.ts:4 * from './unreached'",
      'libs/thing/src/maths.ts:3 E',
      'libs/thing/src/shapes.ts:2 Unimported',
      'libs/thing/src/shapes.ts:5 localOnly',
      'libs/thing/src/shapes.ts:6 usesLocal',
      'libs/thing/src/shapes.ts:7 passedOn',
      'libs/thing/src/unreached.ts:1 viaStarOnly',
    ]);
  });

  it('counts dynamic imports whole unless their names are destructured', () => {
    const run = runOn({
      'libs/thing/src/lazy.ts': 'export const loaded = 1;\nexport const neverLoaded = 2;\n',
      'libs/thing/src/whole.ts': 'export const a = 1;\nexport const b = 2;\n',
      'apps/app/src/main.ts': [
        'export async function load(): Promise<unknown> {',
        "  const { loaded } = await import('../../../libs/thing/src/lazy');",
        "  return [loaded, await import('../../../libs/thing/src/whole')];",
        '}',
      ].join('\n'),
    });

    expect(run.lines).toEqual(['libs/thing/src/lazy.ts:2 neverLoaded']);
  });

  it('never lists entry points, testing/ files that specs reach, or allowlisted names', () => {
    const run = runOn({
      'apps/app/src/main.ts': 'export const fromMain = 1;\n',
      'apps/app/src/reflected.ts': 'export class LoadedByName {}\nexport class NotAllowed {}\n',
      'bench/speed.bench.ts': 'export const fromBench = 1;\n',
      'bench/bench-helper.ts': 'export const unusedHelper = 1;\n',
      'libs/thing/src/testing/index.ts': "export * from './fixtures';\n",
      'libs/thing/src/testing/fixtures.ts': 'export const aFixture = 1;\nexport const unusedFixture = 2;\n',
      'libs/thing/src/testing/orphan.ts': 'export const orphan = 1;\n',
      'libs/thing/src/thing.unit.spec.ts': "import { aFixture } from './testing';\nconsole.log(aFixture);\n",
      'scripts/dead-exports.allow': '# loaded by name\napps/app/src/reflected.ts#LoadedByName\n',
    });

    expect(run.lines).toEqual([
      'apps/app/src/reflected.ts:2 NotAllowed',
      'bench/bench-helper.ts:1 unusedHelper',
      'libs/thing/src/testing/orphan.ts:1 orphan',
    ]);
  });
});
