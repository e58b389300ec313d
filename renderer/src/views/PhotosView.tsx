/** Every photo in a virtualised grid; a click opens the viewer, the corner box marks it for deletion. */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useQuery, useRunner, useServices } from '../api';
import type { PhotoSummary } from '../../../src/common/contract/types';
import { Thumb, EmptyState, ErrorBox, formatDate } from '../components/common';
import { splitPath } from '../components/Lightbox';
import { useElementSize } from '../components/use-element-size';
import { VirtualGrid } from '../components/VirtualGrid';
import { VirtualList } from '../components/VirtualList';
import { libraryRelativeFolder, middleEllipsis } from '../folder-label';
import { useI18n } from '../i18n';
import { usePaged } from '../paged';
import { dayToDate, photoRows, photosInRows } from '../photo-rows';
import { useAppState } from '../state';

type Sort = 'captured' | 'path' | 'size';
const CELL = 132;
const GAP = 8;
const DAY_HEADER = 30;
// The list's own vertical scrollbar takes this much of the measured width.
const SCROLLBAR = 16;

export function PhotosView() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const { basket, toggleBasket, addToBasket, openLightbox } = useAppState();
  const selecting = useRunner();
  // Shift-click selects the range from the last box ticked, as file managers do.
  const anchor = useRef<number | null>(null);
  const [sort, setSort] = useState<Sort>('captured');
  const [folder, setFolder] = useState<string | null>(null);
  const inFolder = folder === null ? {} : { folder };
  const photos = usePaged<PhotoSummary>(
    async (api, offset, limit) => {
      const r = await api.library.photos({ offset, limit, sort, ...inFolder });
      return { total: r.total, items: r.photos };
    },
    [sort, folder],
    ['scan', 'trash', 'undo', 'folders'],
    500,
  );
  const folders = useQuery((a) => a.library.photoFolders({}), [], ['scan', 'trash', 'undo', 'folders']);
  const roots = useQuery((a) => a.library.listFolders({}), [], ['folders']);
  // Day headers when sorted by date: the engine counts each day's photos at this UTC offset.
  const days = useQuery(
    (a) =>
      sort === 'captured'
        ? a.library.photoDays({ utcOffsetMinutes: -new Date().getTimezoneOffset(), ...inFolder })
        : Promise.resolve(null),
    [sort, folder],
    ['scan', 'trash', 'undo', 'folders'],
  );
  const area = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(area);
  const columns = Math.max(1, Math.floor((width - SCROLLBAR + GAP) / (CELL + GAP)));
  const rows = useMemo(
    () => (sort === 'captured' && days.data ? photoRows(days.data, columns) : null),
    [sort, days.data, columns],
  );
  const ensurePhotos = photos.ensure;
  const onRowRange = useCallback(
    (start: number, end: number) => {
      if (!rows) return;
      const [first, last] = photosInRows(rows, start, end);
      if (last > first) ensurePhotos(first, last);
    },
    [rows, ensurePhotos],
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
      const page = await api.library.photos({ offset, limit: 10_000, sort, ...inFolder });
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

  const renderTile = (i: number): ReactNode => {
    const p = photos.get(i);
    if (!p) return <div className="thumb placeholder" style={{ width: CELL, height: CELL }} />;
    const selected = basket.has(p.id);
    const { name, folder: where } = splitPath(p.path);
    const when = formatDate(p.capturedAt ?? p.mtime, locale);
    return (
      <div
        className={`tile photo-tile ${selected ? 'selected' : ''}`}
        data-testid="photo"
        data-photo-id={p.id}
        title={`${name}\n${where}\n${when}`}
      >
        <button
          className="tile-open"
          aria-label={t('photos.open', { name })}
          onClick={() => open(i)}
          data-testid="photo-open"
        >
          <Thumb photoId={p.id} px={CELL} />
        </button>
        {/* Name and date on hover, where the eye already is (the full path stays in the tooltip). */}
        <span className="tile-caption" data-testid="photo-caption">
          <span className="tile-caption-name">{name}</span>
          <span>{when}</span>
        </span>
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
  };

  const renderRow = (r: number): ReactNode => {
    const row = rows?.[r];
    if (!row) return null;
    if (row.kind === 'day') {
      return (
        <h2 className="photo-day" data-testid="photo-day" data-day={row.day}>
          {dayToDate(row.day).toLocaleDateString(locale, { dateStyle: 'full' })}{' '}
          <span className="muted">· {t('series.photos', { n: row.photos })}</span>
        </h2>
      );
    }
    const tiles: ReactNode[] = [];
    for (let k = 0; k < row.count; k++)
      tiles.push(
        <div key={row.first + k} style={{ width: CELL, height: CELL }}>
          {renderTile(row.first + k)}
        </div>,
      );
    return <div className="photo-row">{tiles}</div>;
  };

  return (
    <section className="view fill" data-testid="view-photos">
      <header className="view-head">
        <h1>
          {t('photos.title')}{' '}
          {photos.total !== null && (
            <span className="muted" data-testid="photos-total">
              ({photos.total.toLocaleString()})
            </span>
          )}
        </h1>
        <div className="grow" />
        <button
          disabled={!photos.total || selecting.pending}
          onClick={() => void selecting.run(selectAll)}
          data-testid="select-all"
        >
          {t('photos.selectAll', { n: (photos.total ?? 0).toLocaleString() })}
        </button>
        <label>
          {t('photos.folder')}{' '}
          <select
            className="folder-select"
            value={folder ?? ''}
            onChange={(e) => setFolder(e.target.value === '' ? null : e.target.value)}
            data-testid="photos-folder"
          >
            <option value="">{t('photos.allFolders')}</option>
            {folders.data?.map((f) => (
              <option key={f.path} value={f.path} title={f.path}>
                {middleEllipsis(libraryRelativeFolder(f.path, roots.data?.map((r) => r.path) ?? []), 44)} (
                {f.photos.toLocaleString()})
              </option>
            ))}
          </select>
        </label>
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
      <ErrorBox error={folders.error ?? days.error} />
      {photos.total === 0 && (
        <EmptyState error={photos.error}>
          {t(folder === null ? 'photos.empty' : 'photos.emptyFolder')}
        </EmptyState>
      )}
      <div ref={area} className="photo-area">
        {rows ? (
          <VirtualList
            testId="photo-grid"
            ariaLabel={t('photos.title')}
            count={rows.length}
            heightOf={(r) => (rows[r]?.kind === 'day' ? DAY_HEADER : CELL)}
            gap={GAP}
            onRange={onRowRange}
            renderItem={renderRow}
          />
        ) : (
          <VirtualGrid
            testId="photo-grid"
            ariaLabel={t('photos.title')}
            count={photos.total ?? 0}
            cellWidth={CELL}
            cellHeight={CELL}
            onRange={photos.ensure}
            renderCell={renderTile}
          />
        )}
      </div>
    </section>
  );
}
