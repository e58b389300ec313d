/** Every photo in a virtualised grid; a click opens the viewer, the corner box marks it for deletion. */
import { useRef, useState } from 'react';
import { useRunner, useServices } from '../api';
import type { PhotoSummary } from '../../../src/common/contract/types';
import { Thumb, EmptyState, ErrorBox, formatDate } from '../components/common';
import { splitPath } from '../components/Lightbox';
import { VirtualGrid } from '../components/VirtualGrid';
import { useI18n } from '../i18n';
import { usePaged } from '../paged';
import { useAppState } from '../state';

type Sort = 'captured' | 'path' | 'size';
const CELL = 132;

export function PhotosView() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const { basket, toggleBasket, addToBasket, openLightbox } = useAppState();
  const selecting = useRunner();
  // Shift-click selects the range from the last box ticked, as file managers do.
  const anchor = useRef<number | null>(null);
  const [sort, setSort] = useState<Sort>('captured');
  const photos = usePaged<PhotoSummary>(
    async (api, offset, limit) => {
      const r = await api.library.photos({ offset, limit, sort });
      return { total: r.total, items: r.photos };
    },
    [sort],
    ['scan', 'trash', 'undo', 'folders'],
    500,
  );

  const select = (index: number, photoId: number, range: boolean): void => {
    const from = anchor.current;
    anchor.current = index;
    if (!range || from === null || from === index) return toggleBasket(photoId);
    const ids: number[] = [];
    for (let i = Math.min(from, index); i <= Math.max(from, index); i++) {
      const p = photos.get(i);
      if (p) ids.push(p.id);
    }
    addToBasket(ids);
  };
  const selectAll = async (): Promise<void> => {
    const ids: number[] = [];
    for (let offset = 0; ; offset += 10_000) {
      const page = await api.library.photos({ offset, limit: 10_000, sort });
      ids.push(...page.photos.map((p) => p.id));
      if (page.photos.length < 10_000) break;
    }
    addToBasket(ids);
  };

  // The viewer walks the photos already loaded around the one clicked (pages of 500).
  const open = (index: number): void => {
    let first = index;
    while (first > 0 && photos.get(first - 1)) first--;
    const ids: number[] = [];
    for (let i = first; photos.get(i); i++) ids.push(photos.get(i)?.id ?? 0);
    openLightbox({ mode: 'view', photoIds: ids, index: index - first });
  };

  return (
    <section className="view fill" data-testid="view-photos">
      <header className="view-head">
        <h1>
          {t('photos.title')} {photos.total !== null && <span className="muted">({photos.total.toLocaleString()})</span>}
        </h1>
        <div className="grow" />
        <button disabled={!photos.total || selecting.pending} onClick={() => void selecting.run(selectAll)} data-testid="select-all">
          {t('photos.selectAll', { n: (photos.total ?? 0).toLocaleString() })}
        </button>
        <label>
          {t('photos.sort')}{' '}
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)} data-testid="photos-sort">
            <option value="captured">{t('photos.sortCaptured')}</option>
            <option value="path">{t('photos.sortPath')}</option>
            <option value="size">{t('photos.sortSize')}</option>
          </select>
        </label>
      </header>
      <p className="muted hint">{t('photos.hint')}</p>
      <ErrorBox error={selecting.error} onClose={selecting.clearError} />
      {photos.total === 0 && <EmptyState error={photos.error}>{t('photos.empty')}</EmptyState>}
      <VirtualGrid
        testId="photo-grid"
        ariaLabel={t('photos.title')}
        count={photos.total ?? 0}
        cellWidth={CELL}
        cellHeight={CELL}
        onRange={photos.ensure}
        renderCell={(i) => {
          const p = photos.get(i);
          if (!p) return <div className="thumb placeholder" />;
          const selected = basket.has(p.id);
          const { name, folder } = splitPath(p.path);
          return (
            <div className={`tile photo-tile ${selected ? 'selected' : ''}`} data-testid="photo" data-photo-id={p.id} title={`${name}\n${folder}\n${formatDate(p.capturedAt ?? p.mtime, locale)}`}>
              <button className="tile-open" aria-label={t('photos.open', { name })} onClick={() => open(i)} data-testid="photo-open">
                <Thumb photoId={p.id} px={CELL} />
              </button>
              <label className="tile-select" title={t('photos.select')}>
                <input
                  type="checkbox"
                  checked={selected}
                  onChange={() => undefined}
                  onClick={(e) => select(i, p.id, e.shiftKey)}
                  aria-label={t('photos.select')}
                  data-testid="photo-select"
                />
              </label>
            </div>
          );
        }}
      />
    </section>
  );
}
