/** Messages between the inference pool and its worker threads. */
export interface TensorData {
  data: Float32Array;
  dims: number[];
}
export type TensorMap = Record<string, TensorData>;

export type WorkerRequest =
  | { type: 'run'; id: number; modelPath: string; inputs: TensorMap; intraOpThreads: number }
  | { type: 'close' };

export type WorkerReply =
  | {
      type: 'result';
      id: number;
      outputs: TensorMap;
      loadMs: number;
      runMs: number;
      /** Thread CPU time of the run (null where unknown). */ cpuMs: number | null;
    }
  | { type: 'error'; id: number; message: string; code: 'MODEL' | 'INTERNAL' };

export function transferablesOf(map: TensorMap): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const t of Object.values(map)) if (t.data.buffer instanceof ArrayBuffer) seen.add(t.data.buffer);
  return [...seen];
}
