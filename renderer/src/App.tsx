import { useEffect, useState } from 'react';
import { useQuery, useServices } from './api';
import { formatBytes } from './components/common';
import { Lightbox } from './components/Lightbox';
import { useI18n } from './i18n';
import type { Lang } from './i18n';
import type { ViewName } from './state';
import { useAppState } from './state';
import type { ConnectionState } from './transport';
import { DeleteView } from './views/DeleteView';
import { DuplicatesView } from './views/DuplicatesView';
import { LibraryView } from './views/LibraryView';
import { PeopleView } from './views/PeopleView';
import { PhotosView } from './views/PhotosView';
import { SeriesView } from './views/SeriesView';

const VIEWS: readonly ViewName[] = ['library', 'photos', 'duplicates', 'people', 'series', 'delete'];

export function App() {
  const { t, lang, setLang } = useI18n();
  const { host } = useServices();
  const { view, navigate, basket } = useAppState();
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  // Every reconnection remounts the views, so nothing shows what was loaded before the engine went away.
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    let wasOpen = false;
    return host.onConnection((state) => {
      setConnection(state);
      if (state === 'open' && wasOpen) setEpoch((e) => e + 1);
      if (state === 'open') wasOpen = true;
    });
  }, [host]);
  const status = useQuery(
    (api) => api.library.status({}),
    [epoch],
    ['scan', 'trash', 'undo', 'people', 'dedup', 'folders'],
  );

  return (
    <div className="app">
      <nav className="sidebar" aria-label={t('nav.label')}>
        <div className="brand">Sift</div>
        {VIEWS.map((v) => (
          <button
            key={v}
            className={`nav ${view === v ? 'active' : ''}`}
            aria-current={view === v ? 'page' : undefined}
            data-testid={`nav-${v}`}
            onClick={() => navigate(v)}
          >
            {t(`nav.${v}`)}
            {v === 'delete' && basket.size > 0 && <span className="badge">{basket.size}</span>}
          </button>
        ))}
        <div className="grow" />
        {status.data && connection === 'open' && (
          <div className="stats muted" data-testid="status">
            <div>{t('status.images', { n: status.data.images.toLocaleString() })}</div>
            <div>{t('status.groups', { n: status.data.duplicateGroups.toLocaleString() })}</div>
            <div>{t('status.reclaimable', { size: formatBytes(status.data.reclaimableBytes) })}</div>
          </div>
        )}
        <label className="lang">
          <span className="sr-only">{t('lang.label')}</span>
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="lang">
            <option value="en">English</option>
            <option value="zh">简体中文</option>
          </select>
        </label>
        <div className={`conn ${connection}`} data-testid="connection" data-state={connection}>
          {t(`conn.${connection}`)}
        </div>
      </nav>
      <main className="main" key={epoch}>
        {connection !== 'open' && connection !== 'connecting' && (
          <div
            className={`conn-banner ${connection}`}
            role="alert"
            data-testid="conn-banner"
            data-state={connection}
          >
            {t(`conn.banner.${connection}`)}
          </div>
        )}
        {view === 'library' && <LibraryView />}
        {view === 'photos' && <PhotosView />}
        {view === 'duplicates' && <DuplicatesView />}
        {view === 'people' && <PeopleView />}
        {view === 'series' && <SeriesView />}
        {view === 'delete' && <DeleteView />}
      </main>
      <Lightbox />
    </div>
  );
}
