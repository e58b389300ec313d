/**
 * Worker thread owning ONNX Runtime sessions. `session.run` blocks the thread it runs on, so each
 * worker runs one inference at a time with one intra-op thread; parallelism comes from the pool.
 * Sessions load lazily, the first time a model is asked for.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { transferablesOf, type TensorMap, type WorkerReply, type WorkerRequest } from './protocol';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function session(
  modelPath: string,
  threads: number,
): { promise: Promise<ort.InferenceSession>; fresh: boolean } {
  const hit = sessions.get(modelPath);
  if (hit) return { promise: hit, fresh: false };
  const promise = ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  sessions.set(modelPath, promise);
  promise.catch(() => sessions.delete(modelPath));
  return { promise, fresh: true };
}

/**
 * CPU time of this thread in ms (Linux: /proc/thread-self/stat, 10 ms ticks), null elsewhere.
 * `session.run` with one intra-op thread computes on this thread, so the difference around it is
 * the inference's CPU cost even when other threads compete for the cores (wall time is not).
 * Two reads cost ~60 µs per run, against runs of 7-30 ms.
 */
function threadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the ")": state is field 3, so utime (14) and stime (15) are at 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

async function run(req: Extract<WorkerRequest, { type: 'run' }>): Promise<WorkerReply> {
  const t0 = performance.now();
  let s: ort.InferenceSession;
  try {
    s = await session(req.modelPath, req.intraOpThreads).promise;
  } catch (error) {
    return {
      type: 'error',
      id: req.id,
      code: 'MODEL',
      message: `Cannot load model ${req.modelPath}: ${(error as Error).message}`,
    };
  }
  const t1 = performance.now();
  const cpu0 = threadCpuMs();
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(req.inputs)) feeds[name] = new ort.Tensor('float32', t.data, t.dims);
  const result = await s.run(feeds);
  const outputs: TensorMap = {};
  for (const [name, t] of Object.entries(result)) {
    if (!(t.data instanceof Float32Array)) throw new Error(`Output ${name} is ${t.type}, expected float32`);
    outputs[name] = { data: t.data, dims: t.dims.map(Number) };
    t.dispose();
  }
  const cpu1 = threadCpuMs();
  return {
    type: 'result',
    id: req.id,
    outputs,
    loadMs: t1 - t0,
    runMs: performance.now() - t1,
    cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
  };
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'close') {
    void (async () => {
      for (const p of sessions.values()) await p.then((s) => s.release()).catch(() => undefined);
      sessions.clear();
      port.close();
    })();
    return;
  }
  run(msg).then(
    (reply) => port.postMessage(reply, reply.type === 'result' ? transferablesOf(reply.outputs) : []),
    (error: unknown) =>
      port.postMessage({
        type: 'error',
        id: msg.id,
        code: 'INTERNAL',
        message: error instanceof Error ? error.message : String(error),
      } satisfies WorkerReply),
  );
});
