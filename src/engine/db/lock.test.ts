/** One writer per library (issue 11, item 8) and clear errors for ordinary data-folder problems (item 9). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../common/errors';
import { createEngine } from '../engine';
import { PACKAGE_ROOT } from '../paths';
import { cliFromSource, makeJpeg, tempDir } from '../testing';
import { LOCK_FILE } from './lock';

let root: string;
let cleanup: () => void;
let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir());
  dataDir = path.join(root, 'data');
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  cleanup();
});

async function expectConflict(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('CONFLICT');
    return (error as EngineError).message;
  }
  throw new Error('expected CONFLICT');
}

/** Another process holding the library open (an engine that waits), ready once it prints READY. */
function holdInAnotherProcess(): Promise<ChildProcess> {
  const code = `import { createEngine } from ${JSON.stringify(path.join(PACKAGE_ROOT, 'src/engine/engine.ts'))};
    await createEngine({ dataDir: ${JSON.stringify(dataDir)} }); process.stdout.write('READY\\n'); setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY')) resolve(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (status) => reject(new Error(`holder exited (${status}): ${out}`)));
  });
}

describe('one writer per library (item 8)', () => {
  it('refuses a second engine on the same data folder, in this process or another, and names the owner', async () => {
    const engine = await createEngine({ dataDir });
    const lock = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    expect(await expectConflict(createEngine({ dataDir }))).toMatch(/in use by this process/);
    await engine.dispose();
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);

    const holder = await holdInAnotherProcess();
    expect(await expectConflict(createEngine({ dataDir }))).toMatch(
      new RegExp(`in use by process ${holder.pid}.*close the other one`),
    );
    // The CLI says so plainly: exit 1, one line, no stack trace.
    const cli = spawnSync(process.execPath, cliFromSource('status', '--data', dataDir), {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/^sift: The library in .* is in use by process \d+/m);
    expect(cli.stderr).not.toMatch(/\n\s+at /);

    // kill -9 leaves the lock file behind; its process is gone, so the lock is stale and taken over.
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    const again = await createEngine({ dataDir });
    expect((JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as { pid: number }).pid).toBe(
      process.pid,
    );
    await again.dispose();
  });

  it('two concurrent `sift scan`s never both work on the library', { timeout: 120_000 }, async () => {
    const photos = path.join(root, 'photos');
    mkdirSync(photos);
    for (let i = 0; i < 12; i++) writeFileSync(path.join(photos, `p${i}.jpg`), await makeJpeg(320, 240, i));
    const scanOnce = (): Promise<{ status: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          cliFromSource('scan', photos, '--data', dataDir, '--no-ml', '--json'),
          { cwd: PACKAGE_ROOT },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('exit', (status) => resolve({ status, stdout, stderr }));
      });
    const results = await Promise.all([scanOnce(), scanOnce()]);
    const ok = results.filter((r) => r.status === 0);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.status !== 0)) expect(r.stderr).toMatch(/is in use by process/);
    // Whatever the interleaving, the library ends with every photo present and none missing.
    const engine = await createEngine({ dataDir });
    const status = (await engine.dispatch('library:status', {})) as { files: number; images: number };
    await engine.dispose();
    expect(status.files).toBe(12);
    for (const r of ok) expect((JSON.parse(r.stdout) as { errors: unknown[] }).errors).toEqual([]);
  });
});

describe('ordinary data-folder problems are plain errors (item 9)', () => {
  it('a file where the data folder should be, and a read-only database', async () => {
    const file = path.join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    const cli = spawnSync(process.execPath, cliFromSource('status', '--data', file), {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/^sift: Cannot use .* as the data folder/m);
    expect(cli.stderr).not.toMatch(/\n\s+at |\[error\]/);

    const engine = await createEngine({ dataDir });
    await engine.dispose();
    chmodSync(path.join(dataDir, 'library.db'), 0o444);
    // root writes read-only files anyway: run the CLI as an unprivileged user then.
    const asUser = os.userInfo().uid === 0 ? { uid: 65534, gid: 65534 } : {};
    if (os.userInfo().uid === 0) {
      chmodSync(root, 0o755);
      chmodSync(dataDir, 0o777);
    }
    const ro = spawnSync(process.execPath, cliFromSource('status', '--data', dataDir), {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      ...asUser,
      env: { ...process.env, HOME: root },
    });
    expect(ro.status).toBe(1);
    expect(ro.stderr).toMatch(/^sift: Cannot open the library database in .*readonly/m);
    expect(ro.stderr).not.toMatch(/\n\s+at |\[error\]/);
  });
});

describe('start-up cleanup after a kill (item 9)', () => {
  it('removes thumbnail files a killed process left half-written', async () => {
    const shard = path.join(dataDir, 'thumbs', 'small', '0a');
    mkdirSync(shard, { recursive: true });
    writeFileSync(path.join(shard, '10.jpg.4242.abcd.1.tmp'), 'half a jpeg');
    writeFileSync(path.join(shard, '10.jpg'), 'a finished thumbnail');
    const engine = await createEngine({ dataDir });
    await engine.dispose();
    expect(existsSync(path.join(shard, '10.jpg.4242.abcd.1.tmp'))).toBe(false);
    expect(readFileSync(path.join(shard, '10.jpg'), 'utf8')).toBe('a finished thumbnail');
  });
});
