/**
 * `npm run test:crash [-- --seed N]`: kill -9 the engine at random moments of a scan, a delete and
 * an undo (34 kills, seeded), and after each kill check what must hold:
 *   - the database passes `PRAGMA integrity_check`;
 *   - every photo in the trash has a journal row that names it;
 *   - no duplicate group lost its last copy (each distinct photo still has a file in the library);
 *   - undo brings every photo back byte-identical;
 *   - after the interrupted scans, a full scan gives the same groups as one uninterrupted scan.
 * Exit code 0 when every check passed; the seed is printed so a failure can be replayed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { seededRandom } from '../src/common/random';
import type { DeletePlan, DuplicateGroup, JournalEntry } from '../src/common/contract/types';
import { createEngine, type Engine } from '../src/engine/engine';
import { PACKAGE_ROOT } from '../src/engine/paths';
import { makeJpeg } from '../src/engine/testing';
import { createFreedesktopTrash } from '../src/engine/trash/freedesktop';

const seedFlag = process.argv.indexOf('--seed');
const SEED = seedFlag >= 0 ? Number(process.argv[seedFlag + 1]) : 11;
const SCAN_KILLS = 14;
const DELETE_ROUNDS = 10; // each kills a delete and an undo
const random = seededRandom(SEED);
const between = (lo: number, hi: number): number => Math.floor(lo + random() * (hi - lo));

const root = path.join(os.tmpdir(), `sift-crash-${SEED}-${process.pid}`);
const photos = path.join(root, 'photos');
const dataDir = path.join(root, 'data');
const trashDir = path.join(root, 'xdg', 'Trash');
let kills = 0;
const failures: string[] = [];

function check(ok: boolean, what: string): void {
  if (!ok) {
    failures.push(what);
    process.stderr.write(`FAIL: ${what}\n`);
  }
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Runs a command and kills it with SIGKILL `afterMs` after it prints `READY` (or after start). */
function runAndKill(
  args: string[],
  afterMs: number,
  waitFor: string | null,
): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timer: NodeJS.Timeout | null = null;
    let killed = false;
    const arm = (): void => {
      timer ??= setTimeout(() => {
        killed = child.exitCode === null && child.kill('SIGKILL');
      }, afterMs);
    };
    if (waitFor === null) arm();
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      if (waitFor !== null && output.includes(waitFor)) arm();
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', () => {
      if (timer) clearTimeout(timer);
      if (killed) kills++;
      resolve({ killed, output });
    });
  });
}

/**
 * Kills the command at a random moment in [lo, hi) ms; when it finishes before that moment, tries
 * again with an earlier window, so that every kill slot really lands (a fast machine finishes sooner).
 */
async function killSomewhere(
  args: string[],
  lo: number,
  hi: number,
  waitFor: string | null,
): Promise<boolean> {
  let upper = hi;
  for (let attempt = 0; attempt < 6; attempt++) {
    const at = between(lo, upper);
    if ((await runAndKill(args, at, waitFor)).killed) return true;
    upper = Math.max(lo + 1, Math.floor(at * 0.6));
  }
  return false;
}

async function withEngine<T>(dir: string, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await createEngine({ dataDir: dir, trash: createFreedesktopTrash({ homeTrash: trashDir }) });
  try {
    return await fn(engine);
  } finally {
    await engine.dispose();
  }
}
const call = <T>(engine: Engine, method: string, arg: unknown): Promise<T> =>
  engine.dispatch(method, arg) as Promise<T>;

function integrity(dir: string, when: string): void {
  if (!existsSync(path.join(dir, 'library.db'))) return; // killed before the database was created
  const db = new Database(path.join(dir, 'library.db'), { readonly: true });
  try {
    check(db.pragma('integrity_check', { simple: true }) === 'ok', `integrity_check after ${when}`);
  } finally {
    db.close();
  }
}

async function groupsOf(engine: Engine): Promise<string[]> {
  const { groups } = await call<{ groups: DuplicateGroup[] }>(engine, 'dedup:groups', {
    offset: 0,
    limit: 1000,
  });
  return groups
    .map((g) =>
      g.members
        .map((m) => path.relative(photos, m.path))
        .sort()
        .join('|'),
    )
    .sort();
}

/** Trash entries without a journal row that names them, and distinct photos with no file left. */
function deletionInvariants(originals: Map<string, string>, when: string): void {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    const journaled = new Set(
      (
        db
          .prepare(
            'SELECT trash_path FROM journal_items WHERE ok = 1 AND restored = 0 AND trash_path IS NOT NULL',
          )
          .pluck()
          .all() as string[]
      ).map((p) => Buffer.from(p, 'latin1').toString()),
    );
    const inTrash = existsSync(path.join(trashDir, 'files'))
      ? readdirSync(path.join(trashDir, 'files')).map((n) => path.join(trashDir, 'files', n))
      : [];
    for (const file of inTrash)
      check(journaled.has(file), `${when}: ${file} is in the trash without a journal entry`);
  } finally {
    db.close();
  }
  const present = new Set(readdirSync(photos).map((n) => sha(readFileSync(path.join(photos, n)))));
  for (const content of new Set(originals.values()))
    check(present.has(content), `${when}: every copy of a photo (${content.slice(0, 12)}) left the library`);
}

async function main(): Promise<void> {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(photos, { recursive: true });
  // 10 photos, each in 3 byte-identical copies: 10 duplicate groups.
  const originals = new Map<string, string>();
  for (let i = 0; i < 10; i++) {
    const bytes = await makeJpeg(640, 480, 100 + i, 88);
    for (const copy of ['a', 'b', 'c']) {
      writeFileSync(path.join(photos, `p${i}-${copy}.jpg`), bytes);
      originals.set(`p${i}-${copy}.jpg`, sha(bytes));
    }
  }
  const cli = (dir: string): string[] => ['bin/sift.mjs', 'scan', photos, '--data', dir, '--no-ml', '--json'];

  // Reference: one uninterrupted scan.
  await runAndKill(cli(path.join(root, 'reference')), 10 * 60_000, null);
  const reference = await withEngine(path.join(root, 'reference'), groupsOf);
  check(reference.length === 10, `reference scan finds 10 groups (found ${reference.length})`);

  // 1. Scans killed at random moments, then one that finishes.
  for (let i = 0; i < SCAN_KILLS; i++) {
    const killed = await killSomewhere(cli(dataDir), 300, 5000, null);
    integrity(dataDir, `scan kill ${i + 1}${killed ? '' : ' (finished first)'}`);
  }
  await runAndKill(cli(dataDir), 10 * 60_000, null);
  integrity(dataDir, 'the final scan');
  const afterCrashes = await withEngine(dataDir, groupsOf);
  check(
    JSON.stringify(afterCrashes) === JSON.stringify(reference),
    'groups after interrupted scans equal an uninterrupted scan',
  );

  // 2. Deletes and undos killed at random moments.
  // The shipped build (`npm run test:crash` builds it first): the crash test kills what users run.
  const child = path.join(PACKAGE_ROOT, 'dist/stall-child.js');
  for (let round = 0; round < DELETE_ROUNDS; round++) {
    const plan = await withEngine(dataDir, (e) =>
      call<DeletePlan>(e, 'trash:plan', { suggestedDuplicates: true }),
    );
    await killSomewhere([child, dataDir, trashDir, 'execute', String(plan.id), 'slow'], 0, 1000, 'READY');
    const journal = await withEngine(
      dataDir,
      async (e) => (await call<JournalEntry[]>(e, 'trash:journal', { offset: 0, limit: 1 }))[0],
    );
    integrity(dataDir, `delete kill, round ${round + 1}`);
    deletionInvariants(originals, `after the delete kill of round ${round + 1}`);
    if (journal) {
      await killSomewhere([child, dataDir, trashDir, 'undo', String(journal.id), 'slow'], 0, 800, 'READY');
      integrity(dataDir, `undo kill, round ${round + 1}`);
      deletionInvariants(originals, `after the undo kill of round ${round + 1}`);
    }
    // Finish every undo; all 30 files must be back with their exact bytes.
    await withEngine(dataDir, async (e) => {
      for (const entry of await call<JournalEntry[]>(e, 'trash:journal', { offset: 0, limit: 1000 })) {
        if (entry.dryRun || entry.state === 'undone' || !entry.items.some((i) => i.ok)) continue;
        await call(e, 'trash:undo', { journalId: entry.id }).catch((error: unknown) =>
          check(false, `undo of journal ${entry.id}: ${String(error)}`),
        );
      }
    });
    for (const [name, content] of originals) {
      const file = path.join(photos, name);
      check(
        existsSync(file) && sha(readFileSync(file)) === content,
        `round ${round + 1}: ${name} restored byte-identical`,
      );
    }
  }
  const final = await withEngine(dataDir, groupsOf);
  check(
    JSON.stringify(final) === JSON.stringify(reference),
    'groups after all deletes and undos equal the reference',
  );

  process.stdout.write(`crash test (seed ${SEED}): ${kills} kills, ${failures.length} failed checks\n`);
  check(kills >= 30, `at least 30 kills landed (${kills})`);
  if (failures.length === 0) rmSync(root, { recursive: true, force: true });
  else process.stdout.write(`left for inspection: ${root}\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

await main();
