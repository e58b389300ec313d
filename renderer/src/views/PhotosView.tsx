/** Every photo in a virtualised grid; a click opens the viewer, the corner box marks it for deletion. */
import { useState } from 'react';
import type { PhotoSummary } from '../../../src/common/contract/types';
import { Thumb, EmptyState, formatDate } from '../components/common';
import { splitPath } from '../components/Lightbox';
import { VirtualGrid } from '../components/VirtualGrid';
import { useI18n } from '../i18n';
import { usePaged } from '../paged';
import { useAppState } from '../state';

type Sort = 'captured' | 'path' | 'size';
const CELL = 132;

export function PhotosView() {
  const { t, locale } = useI18n();
  const { basket, toggleBasket, openLightbox } = useAppState();
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
        <label>
          {t('photos.sort')}{' '}
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)} data-testid="photos-sort">
            <option value="captured">{t('photos.sortCaptured')}</option>
            <option value="path">{t('photos.sortPath')}</option>
            <option value="size">{t('photos.sortSize')}</option>
          </select>
        </label>
      </header>
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
                <input type="checkbox" checked={selected} onChange={() => toggleBasket(p.id)} aria-label={t('photos.select')} data-testid="photo-select" />
              </label>
            </div>
          );
        }}
      />
    </section>
  );
}
