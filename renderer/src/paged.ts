/**
 * Lazily loaded, page-cached list for virtualised views: only pages that come into view are
 * fetched, so 50,000 photos or 5,000 groups cost one small request for the first paint.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../src/common/contract/rpc';
import { EngineError } from '../../src/common/errors';
import type { ChangeReason } from './api';
import { useRefreshOn, useServices } from './api';

export interface Paged<T> {
  total: number | null;
  get: (index: number) => T | undefined;
  /** Ask for the rows [start, end) to be loaded. */
  ensure: (start: number, end: number) => void;
  error: EngineError | null;
  reload: () => void;
}

export function usePaged<T>(
  fetchPage: (api: ApiClient, offset: number, limit: number) => Promise<{ total: number; items: T[] }>,
  deps: readonly unknown[],
  refreshOn: readonly ChangeReason[] = [],
  pageSize = 200,
): Paged<T> {
  const { api } = useServices();
  const pages = useRef(new Map<number, T[]>());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<EngineError | null>(null);
  const [, setVersion] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inFlight.current.has(page)) return;
      inFlight.current.add(page);
      const gen = generation.current;
      fetchRef.current(api, page * pageSize, pageSize).then(
        (result) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          pages.current.set(page, result.items);
          setTotal(result.total);
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          setError(EngineError.from(e));
          setTotal((t) => t ?? 0);
        },
      );
    },
    [api, pageSize],
  );

  const reload = useCallback(() => {
    generation.current += 1;
    pages.current = new Map();
    inFlight.current = new Set();
    setError(null);
    setVersion((v) => v + 1);
    load(0);
  }, [load]);

  const depsKey = JSON.stringify(deps);
  useEffect(() => {
    reload();
  }, [reload, depsKey]);

  useRefreshOn(api, refreshOn, reload);

  const ensure = useCallback(
    (start: number, end: number) => {
      for (let p = Math.floor(start / pageSize); p <= Math.floor(Math.max(start, end - 1) / pageSize); p++)
        load(p);
    },
    [load, pageSize],
  );

  const get = (index: number): T | undefined =>
    pages.current.get(Math.floor(index / pageSize))?.[index % pageSize];
  return { total, get, ensure, error, reload };
}
