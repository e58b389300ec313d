import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../common/errors';
import { silentLogger } from '../../../common/logger';
import { DEFAULT_MODELS_DIR } from '../../paths';
import { verifyModelFiles } from '../models/verify';
import { createInferencePool } from './pool';

const model = path.join(DEFAULT_MODELS_DIR, 'build', 'face-embedding.dlib-resnet34-face-descriptor.onnx');
const chip = (n: number, v: number) => ({
  input: { data: new Float32Array(n * 150 * 150 * 3).fill(v), dims: [n, 150, 150, 3] },
});

beforeAll(async () => {
  await verifyModelFiles(DEFAULT_MODELS_DIR);
});

describe('inference pool', () => {
  it('runs batches on worker threads, in parallel, with the same results on every worker', async () => {
    const pool = createInferencePool({ workers: 2, logger: silentLogger });
    try {
      const [a, b, c] = await Promise.all([
        pool.run(model, chip(2, 100)),
        pool.run(model, chip(1, 100)),
        pool.run(model, chip(1, 30)),
      ]);
      expect(a.descriptor?.dims).toEqual([2, 128]);
      expect(b.descriptor?.dims).toEqual([1, 128]);
      const first = Array.from(a.descriptor?.data.slice(0, 128) ?? []);
      const second = Array.from(b.descriptor?.data ?? []);
      first.forEach((v, i) => expect(v).toBeCloseTo(second[i] ?? NaN, 5));
      expect(Array.from(c.descriptor?.data ?? [])).not.toEqual(second);
      // Inference time is accounted per model file: three runs, wall time and (on Linux) thread CPU time.
      const spent = pool.inferenceTime()[path.basename(model)];
      expect(spent?.runs).toBe(3);
      expect(spent?.ms).toBeGreaterThan(0);
      if (process.platform === 'linux') expect(spent?.cpuMs).toBeGreaterThanOrEqual(0);
    } finally {
      await pool.dispose();
    }
  });

  it('cancels queued work through AbortSignal and rejects already-aborted calls', async () => {
    const pool = createInferencePool({ workers: 1, logger: silentLogger });
    try {
      const ac = new AbortController();
      const running = pool.run(model, chip(4, 10));
      const queued = pool.run(model, chip(4, 20), { signal: ac.signal });
      ac.abort();
      await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
      await expect(running).resolves.toHaveProperty('descriptor');
      await expect(pool.run(model, chip(1, 1), { signal: ac.signal })).rejects.toMatchObject({
        code: 'CANCELLED',
      });
    } finally {
      await pool.dispose();
    }
  });

  it('reports a missing model as a MODEL error and keeps working', async () => {
    const pool = createInferencePool({ workers: 1, logger: silentLogger });
    try {
      const err = await pool
        .run(path.join(DEFAULT_MODELS_DIR, 'build', 'nope.onnx'), chip(1, 0))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).code).toBe('MODEL');
      await expect(pool.run(model, chip(1, 0))).resolves.toHaveProperty('descriptor');
    } finally {
      await pool.dispose();
    }
  });

  it('dispose waits for running work, rejects queued work, and ends every worker thread', async () => {
    const ports = (): number => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
    const before = ports();
    const pool = createInferencePool({ workers: 2, logger: silentLogger });
    const jobs = [1, 2, 3, 4, 5].map((v) =>
      pool.run(model, chip(2, v)).then(
        () => 'done',
        (e: EngineError) => e.code,
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(ports()).toBe(before + 2);
    await pool.dispose();
    expect(ports()).toBe(before);
    const outcomes = await Promise.all(jobs);
    expect(outcomes.filter((o) => o === 'done').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.every((o) => o === 'done' || o === 'CANCELLED')).toBe(true);
    await expect(pool.run(model, chip(1, 0))).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(pool.liveWorkers).toBe(0);
  });

  it('starts no thread before the first run', async () => {
    const pool = createInferencePool({ workers: 2, logger: silentLogger });
    expect(pool.liveWorkers).toBe(0);
    await pool.dispose();
  });
});
