/** Every photo in a virtualised grid; click to put a photo in the delete basket. */
import { useState } from 'react';
import type { PhotoSummary } from '../../../src/common/contract/types';
import { Thumb, EmptyState } from '../components/common';
import { VirtualGrid } from '../components/VirtualGrid';
import { useI18n } from '../i18n';
import { usePaged } from '../paged';
import { useAppState } from '../state';

type Sort = 'captured' | 'path' | 'size';
const CELL = 132;

export function PhotosView() {
  const { t } = useI18n();
  const { basket, toggleBasket } = useAppState();
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

  return (
    <section className="view fill" data-testid="view-photos">
      <header className="view-head">
        <h1>
          {t('photos.title')} {photos.total !== null && <span className="muted">({photos.total.toLocaleString()})</span>}
        </h1>
        <label>
          {t('photos.sort')}{' '}
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
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
          return (
            <button
              className={`tile ${selected ? 'selected' : ''}`}
              title={p.path}
              aria-pressed={selected}
              data-testid="photo"
              onClick={() => toggleBasket(p.id)}
            >
              <Thumb photoId={p.id} px={CELL} />
            </button>
          );
        }}
      />
    </section>
  );
}
