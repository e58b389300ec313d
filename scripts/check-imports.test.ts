import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/engine/paths';

let tree: string | undefined;
afterEach(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
  tree = undefined;
});

/** A source tree of `files`, checked by the real script with src/hosts/cli/main.ts as the run-time entry. */
function check(files: Record<string, string>): { status: number | null; output: string } {
  tree = mkdtempSync(path.join(os.tmpdir(), 'sift-imports-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    writeFileSync(path.join(tree, file), text);
  }
  const r = spawnSync(
    process.execPath,
    [
      path.join(PACKAGE_ROOT, 'scripts/check-imports.mjs'),
      '--root',
      tree,
      '--entry',
      'src/hosts/cli/main.ts',
    ],
    { encoding: 'utf8' },
  );
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('import graph check (npm run lint)', () => {
  it('passes a tree without circles whose run-time code stays out of tools/', () => {
    const r = check({
      'src/hosts/cli/main.ts': "import { a } from '../../engine/a';\nexport const run = a;\n",
      'src/engine/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'src/engine/b.ts': 'export const b = 1;\n',
      'tools/models/build.ts': "import { b } from '../../src/engine/b';\nexport const build = b;\n",
    });
    expect(r.output).toContain('4 files, no import circles; 3 run-time files, none in tools/');
    expect(r.status).toBe(0);
  });

  it('fails on a circle, type-only imports included, and shows the loop', () => {
    const r = check({
      'src/hosts/cli/main.ts': 'export {};\n',
      'src/engine/a.ts': "import type { B } from './b';\nexport type A = B;\n",
      'src/engine/b.ts': "import { c } from './c/index';\nexport type B = number;\nexport const b = c;\n",
      'src/engine/c/index.ts': "export * from '../a';\nexport const c = 1;\n",
    });
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      'import circle: src/engine/a.ts -> src/engine/b.ts -> src/engine/c/index.ts -> src/engine/a.ts',
    );
  });

  it('fails when run-time code reaches build tooling, naming the chain', () => {
    const r = check({
      'src/hosts/cli/main.ts': "import { verify } from '../../engine/models';\nexport const run = verify;\n",
      'src/engine/models.ts':
        "export const verify = async () => (await import('../../tools/models/build')).build;\n",
      'tools/models/build.ts': 'export const build = 1;\n',
    });
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      'run-time code reaches build tooling: src/hosts/cli/main.ts -> src/engine/models.ts -> tools/models/build.ts',
    );
  });
});
