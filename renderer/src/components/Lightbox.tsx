/**
 * The full-window viewer (one photo, ← → through a list, zoom to 100 % and pan, its facts) and
 * the compare view (copies side by side, one zoom and pan for all, differing facts highlighted,
 * keep or mark from there). Opened from every view through `openLightbox`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PhotoDetail } from '../../../src/common/contract/types';
import { useQuery, useRunner } from '../api';
import { useI18n } from '../i18n';
import type { Translate } from '../i18n';
import type { LightboxRequest, PhotoBox } from '../state';
import { useAppState } from '../state';
import { ErrorBox, formatBytes, formatDate, Thumb } from './common';
import type { PaneMetrics } from './ZoomPane';
import { ZoomPane } from './ZoomPane';
import type { ZoomView } from './zoom';
import { FIT, scaleOf, ZOOM_STEP, zoomTo } from './zoom';

export type Fact = 'name' | 'folder' | 'date' | 'dimensions' | 'size' | 'format' | 'camera';
export const FACTS: readonly Fact[] = ['name', 'folder', 'date', 'dimensions', 'size', 'format', 'camera'];

export function splitPath(path: string): { folder: string; name: string } {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return at < 0
    ? { folder: '', name: path }
    : { folder: path.slice(0, at) || path.slice(0, 1), name: path.slice(at + 1) };
}

export function factValue(p: PhotoDetail, fact: Fact, locale: string): string {
  switch (fact) {
    case 'name':
      return splitPath(p.path).name;
    case 'folder':
      return splitPath(p.path).folder;
    case 'date':
      return formatDate(p.capturedAt ?? p.mtime, locale);
    case 'dimensions':
      return p.width && p.height ? `${p.width} × ${p.height}` : '–';
    case 'size':
      return formatBytes(p.bytes);
    case 'format':
      return p.format ?? '–';
    case 'camera':
      return p.camera ?? '–';
  }
}

/** The facts on which the photos disagree (shown highlighted in the compare view). */
export function differingFacts(photos: readonly PhotoDetail[], locale: string): Set<Fact> {
  return new Set(FACTS.filter((f) => new Set(photos.map((p) => factValue(p, f, locale))).size > 1));
}

function factLabel(fact: Fact, p: PhotoDetail | undefined, t: Translate): string {
  if (fact === 'date' && p && p.capturedAt === null) return t('viewer.fact.modified');
  return t(`viewer.fact.${fact}`);
}

/** Keys the lightbox owns while it is open; the view underneath must not act on them. */
function useLightboxKeys(handler: (e: KeyboardEvent) => boolean): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      if (ref.current(e)) e.preventDefault();
      // Capture phase on window: the views' own shortcuts (bubble phase) never see these keys.
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

interface ZoomControls {
  view: ZoomView;
  /** The zoom as a percentage of the (reference) photo's pixels, once a pane has measured itself. */
  percent: number | null;
  setView: (view: ZoomView) => void;
  metrics: (m: PaneMetrics) => void;
  step: (factor: number) => void;
  actual: () => void;
  fit: () => void;
}

function useZoom(): ZoomControls {
  const [view, setView] = useState<ZoomView>(FIT);
  const measured = useRef<PaneMetrics | null>(null);
  const [size, setSize] = useState<PaneMetrics | null>(null);
  const metrics = useCallback((m: PaneMetrics) => {
    measured.current = m;
    setSize(m);
  }, []);
  const step = useCallback((factor: number) => {
    const m = measured.current;
    if (m) setView((v) => zoomTo(v, m.stage, m.image, scaleOf(v, m.stage, m.image) * factor));
  }, []);
  const actual = useCallback(() => {
    const m = measured.current;
    if (m) setView((v) => zoomTo(v, m.stage, m.image, 1));
  }, []);
  const fit = useCallback(() => setView(FIT), []);
  const percent = size ? Math.round(scaleOf(view, size.stage, size.image) * 100) : null;
  return { view, percent, setView, metrics, step, actual, fit };
}

function zoomKey(e: KeyboardEvent, zoom: ZoomControls): boolean {
  if (e.key === '+' || e.key === '=') zoom.step(ZOOM_STEP);
  else if (e.key === '-') zoom.step(1 / ZOOM_STEP);
  else if (e.key === '1') zoom.actual();
  else if (e.key === '0') zoom.fit();
  else return false;
  return true;
}

function ZoomButtons({ zoom }: { zoom: ZoomControls }) {
  const { t } = useI18n();
  return (
    <div className="segmented zoom-buttons" role="group" aria-label={t('viewer.zoom')}>
      <button
        onClick={() => zoom.step(1 / ZOOM_STEP)}
        aria-label={t('viewer.zoomOut')}
        title={`${t('viewer.zoomOut')} (−)`}
        data-testid="zoom-out"
      >
        −
      </button>
      <span className="zoom-percent" data-testid="zoom-percent">
        {zoom.percent === null ? '' : `${zoom.percent} %`}
      </span>
      <button
        onClick={() => zoom.step(ZOOM_STEP)}
        aria-label={t('viewer.zoomIn')}
        title={`${t('viewer.zoomIn')} (+)`}
        data-testid="zoom-in"
      >
        +
      </button>
      <button onClick={zoom.fit} title={`${t('viewer.fit')} (0)`} data-testid="zoom-fit">
        {t('viewer.fit')}
      </button>
      <button onClick={zoom.actual} title={`${t('viewer.actual')} (1)`} data-testid="zoom-100">
        100 %
      </button>
    </div>
  );
}

export function Lightbox() {
  const { lightbox, openLightbox } = useAppState();
  const close = useCallback(() => openLightbox(null), [openLightbox]);
  if (!lightbox) return null;
  return lightbox.mode === 'view' ? (
    <Viewer request={lightbox} onClose={close} />
  ) : (
    <Compare request={lightbox} onClose={close} />
  );
}

function Viewer({
  request,
  onClose,
}: {
  request: Extract<LightboxRequest, { mode: 'view' }>;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const { basket, toggleBasket } = useAppState();
  const [index, setIndex] = useState(request.index);
  const count = request.photoIds.length;
  const photoId = request.photoIds[Math.min(index, count - 1)] ?? 0;
  const photo = useQuery((a) => a.library.photo({ id: photoId }), [photoId]);
  const zoom = useZoom();
  const { fit } = zoom;
  useEffect(() => fit(), [photoId, fit]);

  const go = (delta: number): void => setIndex((i) => Math.max(0, Math.min(count - 1, i + delta)));
  useLightboxKeys((e) => {
    if (e.key === 'Escape') onClose();
    else if (e.key === 'ArrowRight') go(1);
    else if (e.key === 'ArrowLeft') go(-1);
    else if (e.key === 'd' || e.key === 'Delete') toggleBasket(photoId);
    else return zoomKey(e, zoom);
    return true;
  });

  const p = photo.data?.id === photoId ? photo.data : undefined;
  const boxes: readonly PhotoBox[] = request.boxes?.get(photoId) ?? [];
  const marked = basket.has(photoId);
  return (
    <div
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={t('viewer.title')}
      data-testid="viewer"
      data-photo-id={photoId}
      data-index={index}
    >
      <header className="lightbox-bar">
        <strong className="lightbox-name" data-testid="viewer-name" title={p?.path}>
          {p ? splitPath(p.path).name : '…'}
        </strong>
        <span className="muted" data-testid="viewer-position">
          {t('viewer.position', { n: index + 1, total: count })}
        </span>
        <div className="grow" />
        <button
          onClick={() => go(-1)}
          disabled={index === 0}
          aria-label={t('viewer.previous')}
          title={`${t('viewer.previous')} (←)`}
          data-testid="viewer-prev"
        >
          ←
        </button>
        <button
          onClick={() => go(1)}
          disabled={index >= count - 1}
          aria-label={t('viewer.next')}
          title={`${t('viewer.next')} (→)`}
          data-testid="viewer-next"
        >
          →
        </button>
        <ZoomButtons zoom={zoom} />
        <button
          className={marked ? '' : 'danger'}
          onClick={() => toggleBasket(photoId)}
          aria-pressed={marked}
          data-testid="viewer-mark"
        >
          {marked ? t('dup.unmark') : t('dup.mark')} (d)
        </button>
        <button
          onClick={onClose}
          aria-label={t('viewer.close')}
          title={`${t('viewer.close')} (Esc)`}
          data-testid="viewer-close"
        >
          ✕
        </button>
      </header>
      <div className="lightbox-body">
        <ZoomPane
          photoId={photoId}
          size={p?.width && p.height ? { width: p.width, height: p.height } : null}
          view={zoom.view}
          onView={zoom.setView}
          boxes={boxes}
          label={p?.path ?? ''}
          onMetrics={zoom.metrics}
        />
        <aside className="lightbox-facts" data-testid="viewer-facts">
          <ErrorBox error={photo.error} />
          {p && (
            <dl className="facts">
              {FACTS.map((f) => (
                <div key={f} data-fact={f}>
                  <dt>{factLabel(f, p, t)}</dt>
                  <dd title={factValue(p, f, locale)}>{factValue(p, f, locale)}</dd>
                </div>
              ))}
              {boxes.length > 0 && (
                <div>
                  <dt>{t('viewer.fact.boxes')}</dt>
                  <dd>{boxes.map((b) => b.label ?? t(`viewer.box.${b.kind}`)).join(', ')}</dd>
                </div>
              )}
            </dl>
          )}
          <p className="muted small">{t('viewer.keys')}</p>
        </aside>
      </div>
    </div>
  );
}

function ComparePhoto({ photoId, onLoaded }: { photoId: number; onLoaded: (p: PhotoDetail) => void }) {
  const photo = useQuery((a) => a.library.photo({ id: photoId }), [photoId]);
  useEffect(() => {
    if (photo.data) onLoaded(photo.data);
  }, [photo.data, onLoaded]);
  return photo.error ? <ErrorBox error={photo.error} /> : null;
}

const MAX_PANES = 4;

function Compare({
  request,
  onClose,
}: {
  request: Extract<LightboxRequest, { mode: 'compare' }>;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const { basket, toggleBasket } = useAppState();
  const [details, setDetails] = useState<ReadonlyMap<number, PhotoDetail>>(new Map());
  const [keeperId, setKeeperId] = useState(request.keeperId);
  const zoom = useZoom();
  const keeping = useRunner();
  // More than a few panes side by side are too narrow to judge: show up to four, chosen from a strip.
  const [shown, setShown] = useState<readonly number[]>(() => {
    const keeper = request.keeperId;
    const first = keeper !== undefined && request.photoIds.includes(keeper) ? [keeper] : [];
    return [...first, ...request.photoIds.filter((id) => id !== keeper)].slice(0, MAX_PANES);
  });
  const toggleShown = (id: number): void =>
    setShown((prev) =>
      prev.includes(id)
        ? prev.length > 2
          ? prev.filter((x) => x !== id)
          : prev
        : [...prev, id].slice(-MAX_PANES),
    );
  const loaded = useCallback(
    (p: PhotoDetail) => setDetails((prev) => (prev.get(p.id) === p ? prev : new Map(prev).set(p.id, p))),
    [],
  );
  useLightboxKeys((e) => {
    if (e.key === 'Escape') onClose();
    else return zoomKey(e, zoom);
    return true;
  });

  const paneIds = request.photoIds.filter((id) => shown.includes(id));
  const photos = paneIds.map((id) => details.get(id));
  const known = photos.filter((p): p is PhotoDetail => p !== undefined);
  const differs = known.length === paneIds.length ? differingFacts(known, locale) : new Set<Fact>();
  // Every pane is drawn at the widest copy's width, so the same part of the picture lines up.
  const referenceWidth = Math.max(1, ...known.map((p) => p.width ?? 0));
  const keep = (photoId: number): void => {
    const onKeep = request.onKeep;
    if (!onKeep) return;
    setKeeperId(photoId);
    void keeping.run(() => onKeep(photoId));
  };

  return (
    <div
      className="lightbox compare"
      role="dialog"
      aria-modal="true"
      aria-label={t('compare.title')}
      data-testid="compare"
    >
      <header className="lightbox-bar">
        <strong>{t('compare.title')}</strong>
        <span className="muted">{t('compare.hint')}</span>
        <div className="grow" />
        <ZoomButtons zoom={zoom} />
        <button
          onClick={onClose}
          aria-label={t('viewer.close')}
          title={`${t('viewer.close')} (Esc)`}
          data-testid="viewer-close"
        >
          ✕
        </button>
      </header>
      <ErrorBox error={keeping.error} onClose={keeping.clearError} />
      {request.photoIds.length > MAX_PANES && (
        <div className="compare-strip" data-testid="compare-strip">
          <span className="muted small">
            {t('compare.choose', { n: MAX_PANES, total: request.photoIds.length })}
          </span>
          {request.photoIds.map((id) => (
            <button
              key={id}
              className={`strip-photo ${shown.includes(id) ? 'on' : ''} ${keeperId === id ? 'keep' : ''} ${basket.has(id) ? 'marked' : ''}`}
              aria-pressed={shown.includes(id)}
              onClick={() => toggleShown(id)}
              data-testid="compare-choose"
            >
              <Thumb photoId={id} px={44} />
            </button>
          ))}
        </div>
      )}
      <div className="compare-panes">
        {paneIds.map((id, i) => {
          const p = photos[i];
          const marked = basket.has(id);
          const isKeeper = keeperId === id;
          return (
            <section
              key={id}
              className={`compare-pane ${isKeeper ? 'keep' : ''} ${marked ? 'marked' : ''}`}
              data-testid="compare-pane"
              data-photo-id={id}
            >
              <ComparePhoto photoId={id} onLoaded={loaded} />
              <ZoomPane
                photoId={id}
                size={p?.width && p.height ? { width: p.width, height: p.height } : null}
                view={zoom.view}
                onView={zoom.setView}
                referenceWidth={p?.width ? referenceWidth : undefined}
                label={p?.path ?? ''}
                onMetrics={i === 0 ? zoom.metrics : undefined}
              />
              <div className="compare-facts">
                <div className="row">
                  {isKeeper && <span className="tag keep">{t('dup.keeper')}</span>}
                  {marked && <span className="tag danger">{t('dup.marked')}</span>}
                  <div className="grow" />
                  {request.onKeep && !isKeeper && (
                    <button onClick={() => keep(id)} data-testid="compare-keep">
                      {t('dup.keep')}
                    </button>
                  )}
                  <button
                    className={marked ? '' : 'danger'}
                    onClick={() => toggleBasket(id)}
                    aria-pressed={marked}
                    data-testid="compare-mark"
                  >
                    {marked ? t('dup.unmark') : t('dup.mark')}
                  </button>
                </div>
                {p && (
                  <dl className="facts">
                    {FACTS.map((f) => (
                      <div
                        key={f}
                        className={differs.has(f) ? 'differs' : ''}
                        data-fact={f}
                        data-differs={differs.has(f)}
                      >
                        <dt>{factLabel(f, p, t)}</dt>
                        <dd title={factValue(p, f, locale)}>{factValue(p, f, locale)}</dd>
                      </div>
                    ))}
                  </dl>
                )}
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}
