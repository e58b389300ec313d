/** React glue: the typed client, queries that refresh on engine events, live job progress. */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { ApiClient } from '../../src/common/contract/rpc';
import type { EngineEvents } from '../../src/common/contract/events';
import type { JobInfo } from '../../src/common/contract/types';
import { EngineError } from '../../src/common/errors';
import type { Host } from './transport';

interface AppServices {
  api: ApiClient;
  host: Host;
}

const ServicesContext = createContext<AppServices | null>(null);

export function ServicesProvider({ api, host, children }: AppServices & { children: ReactNode }) {
  return <ServicesContext.Provider value={{ api, host }}>{children}</ServicesContext.Provider>;
}

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesProvider missing');
  return services;
}

export type ChangeReason = EngineEvents['library:changed']['reason'];

export interface Query<T> {
  data: T | undefined;
  error: EngineError | null;
  loading: boolean;
  reload: () => void;
}

/** Runs `fetcher` now, when `deps` change, and when the engine reports one of `refreshOn`. */
export function useQuery<T>(
  fetcher: (api: ApiClient) => Promise<T>,
  deps: readonly unknown[],
  refreshOn: readonly ChangeReason[] = [],
): Query<T> {
  const { api } = useServices();
  const [state, setState] = useState<{ data: T | undefined; error: EngineError | null; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fetcherRef.current(api).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) =>
        live && setState((s) => ({ data: s.data, error: EngineError.from(error), loading: false })),
    );
    return () => {
      live = false;
    };
  }, [api, tick, ...deps]);

  useRefreshOn(api, refreshOn, reload);

  return { ...state, reload };
}

/** Calls `reload` whenever the engine reports a library change for one of `reasons`. */
export function useRefreshOn(api: ApiClient, reasons: readonly ChangeReason[], reload: () => void): void {
  const key = reasons.join(',');
  useEffect(() => {
    if (!key) return undefined;
    const wanted = key.split(',');
    return api.on('library:changed', (payload) => {
      if (wanted.includes(payload.reason)) reload();
    });
  }, [api, key, reload]);
}

export interface JobView {
  job: JobInfo;
  /** The last report of each stage, in the order the stages started. */
  stages: JobInfo[];
}

const JobsContext = createContext<JobView[]>([]);

/**
 * Every job the engine reports (seeded from `jobs:list`), with its per-stage history. Held for
 * the whole app so the history survives switching views.
 */
export function JobsProvider({ children }: { children: ReactNode }) {
  const { api } = useServices();
  const [jobs, setJobs] = useState<ReadonlyMap<number, JobView>>(new Map());
  useEffect(() => {
    let live = true;
    const put = (job: JobInfo): void =>
      setJobs((prev) => {
        const next = new Map(prev);
        const stages = [...(prev.get(job.id)?.stages ?? [])];
        const at = stages.findIndex((s) => s.stage === job.stage);
        if (at >= 0) stages[at] = job;
        else stages.push(job);
        next.set(job.id, { job, stages });
        return next;
      });
    api.jobs.list({}).then(
      (list) => live && list.forEach(put),
      () => undefined,
    );
    const offProgress = api.on('job:progress', put);
    const offFinished = api.on('job:finished', put);
    return () => {
      live = false;
      offProgress();
      offFinished();
    };
  }, [api]);
  const sorted = useMemo(() => [...jobs.values()].sort((a, b) => b.job.id - a.job.id), [jobs]);
  return <JobsContext.Provider value={sorted}>{children}</JobsContext.Provider>;
}

export function useJobs(): JobView[] {
  return useContext(JobsContext);
}

/** Runs actions, exposing whether one is pending and the EngineError the last one failed with. */
export interface Runner {
  run: <R>(fn: () => Promise<R>) => Promise<R | undefined>;
  pending: boolean;
  error: EngineError | null;
  clearError: () => void;
}

export function useRunner(): Runner {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<EngineError | null>(null);
  const run = useCallback(async <R,>(fn: () => Promise<R>): Promise<R | undefined> => {
    setPending(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(EngineError.from(e));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return useMemo(() => ({ run, pending, error, clearError }), [run, pending, error, clearError]);
}
