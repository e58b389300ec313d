/** App-wide UI state: the current view, the delete basket, a plan handed to the Delete view, the open viewer. */
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { DeletePlan } from '../../src/common/contract/types';

/** A box to draw on a photo in the viewer, in the photo's pixels (after EXIF orientation). */
export interface PhotoBox {
  box: [number, number, number, number];
  kind: 'face' | 'body';
  label?: string;
}

/** What the full-window viewer shows: one photo of a list (← →), or several side by side. */
export type LightboxRequest =
  | {
      mode: 'view';
      photoIds: readonly number[];
      index: number;
      boxes?: ReadonlyMap<number, readonly PhotoBox[]>;
    }
  | {
      mode: 'compare';
      photoIds: readonly number[];
      keeperId?: number;
      onKeep?: (photoId: number) => Promise<unknown>;
    };

export type ViewName = 'library' | 'photos' | 'duplicates' | 'people' | 'series' | 'delete';

interface AppState {
  view: ViewName;
  navigate: (view: ViewName) => void;
  basket: ReadonlySet<number>;
  toggleBasket: (photoId: number) => void;
  addToBasket: (photoIds: readonly number[]) => void;
  clearBasket: () => void;
  plan: DeletePlan | null;
  showPlan: (plan: DeletePlan | null) => void;
  lightbox: LightboxRequest | null;
  openLightbox: (request: LightboxRequest | null) => void;
  /** The person the Series view filters by when it opens (set by "their series" on a person page). */
  seriesPerson: number | null;
  showSeriesOf: (personId: number | null) => void;
}

const StateContext = createContext<AppState | null>(null);
const VIEW_NAMES: readonly ViewName[] = ['library', 'photos', 'duplicates', 'people', 'series', 'delete'];

/** The view named in the URL fragment (`#duplicates`), so a view can be linked and reloaded. */
function viewFromHash(): ViewName {
  const name = location.hash.slice(1);
  return (VIEW_NAMES as readonly string[]).includes(name) ? (name as ViewName) : 'library';
}

export function AppStateProvider({ children }: { children: ReactNode }) {
  const [view, setView] = useState<ViewName>(viewFromHash);
  const navigate = useCallback((next: ViewName) => {
    setView(next);
    history.replaceState(null, '', `#${next}`);
  }, []);
  const [basket, setBasket] = useState<ReadonlySet<number>>(new Set());
  const [plan, setPlan] = useState<DeletePlan | null>(null);
  const [lightbox, openLightbox] = useState<LightboxRequest | null>(null);
  const [seriesPerson, showSeriesOf] = useState<number | null>(null);
  const toggleBasket = useCallback(
    (id: number) =>
      setBasket((prev) => {
        const next = new Set(prev);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );
  const addToBasket = useCallback(
    (ids: readonly number[]) => setBasket((prev) => new Set([...prev, ...ids])),
    [],
  );
  const clearBasket = useCallback(() => setBasket(new Set()), []);
  const showPlan = useCallback(
    (p: DeletePlan | null) => {
      setPlan(p);
      if (p) navigate('delete');
    },
    [navigate],
  );
  const value = useMemo(
    () => ({
      view,
      navigate,
      basket,
      toggleBasket,
      addToBasket,
      clearBasket,
      plan,
      showPlan,
      lightbox,
      openLightbox,
      seriesPerson,
      showSeriesOf,
    }),
    [view, navigate, basket, toggleBasket, addToBasket, clearBasket, plan, showPlan, lightbox, seriesPerson],
  );
  return <StateContext.Provider value={value}>{children}</StateContext.Provider>;
}

export function useAppState(): AppState {
  const state = useContext(StateContext);
  if (!state) throw new Error('AppStateProvider missing');
  return state;
}
