/**
 * A Sift engine process that stops dead in the middle of a deletion step, for crash tests
 * (`recovery.test.ts`, `npm run test:crash`): the parent kills it with SIGKILL once it says "STALLED".
 *
 *   node dist/stall-child.js <dataDir> <homeTrash> <execute|undo> <id> <before-move|after-move|after-restore|slow|none>
 *   (recovery.test.ts runs the source: node --import tsx src/engine/trash/stall-child.ts …)
 *
 * `slow` waits 40 ms before each move or restore, so that a kill at a random moment lands inside
 * the work; the process prints "READY" once the engine is open.
 */
import { createEngine } from '../engine';
import type { TrashBackend } from './backend';
import { createFreedesktopTrash } from './freedesktop';

const [dataDir, homeTrash, op, idText, stall] = process.argv.slice(2);
if (!dataDir || !homeTrash || (op !== 'execute' && op !== 'undo') || !idText || !stall)
  throw new Error('usage: stall-child <dataDir> <homeTrash> <execute|undo> <id> <stall>');

const stallHere = (): Promise<never> => {
  process.stdout.write('STALLED\n');
  return new Promise<never>(() => setInterval(() => undefined, 1 << 30));
};
const pause = (): Promise<void> =>
  stall === 'slow' ? new Promise((resolve) => setTimeout(resolve, 40)) : Promise.resolve();
const real = createFreedesktopTrash({ homeTrash });
const backend: TrashBackend = {
  name: 'stalling',
  async trash(file, onReserved) {
    await pause();
    const result = await real.trash(file, (reserved) => {
      onReserved?.(reserved);
      if (stall === 'before-move') {
        process.stdout.write('STALLED\n');
        // Blocks this thread for good, between the reservation and the rename.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      }
    });
    if (stall === 'after-move') await stallHere();
    return result;
  },
  async restore(trashPath, original) {
    await pause();
    await real.restore(trashPath, original);
    if (stall === 'after-restore') await stallHere();
  },
};

const engine = await createEngine({ dataDir, trash: backend });
process.stdout.write('READY\n');
const result =
  op === 'execute'
    ? await engine.dispatch('trash:execute', { planId: Number(idText) })
    : await engine.dispatch('trash:undo', { journalId: Number(idText) });
process.stdout.write(`DONE ${JSON.stringify(result)}\n`);
await engine.dispose();
