/**
 * One photo in a stage that zooms (wheel, double-click, buttons) and pans (drag). The view is
 * controlled by the parent so the compare view can drive several panes with one view.
 */
import { useEffect, useRef, useState } from 'react';
import { useElementSize } from './use-element-size';
import type { PhotoBox } from '../state';
import { useServices } from '../api';
import type { Size, ZoomView } from './zoom';
import { fitScale, panBy, place, scaleOf, ZOOM_STEP, zoomTo } from './zoom';

export interface PaneMetrics {
  stage: Size;
  image: Size;
}

interface ZoomPaneProps {
  photoId: number;
  /** The photo's size in its own pixels (after EXIF orientation), when the library knows it. */
  size: Size | null;
  view: ZoomView;
  onView: (view: ZoomView) => void;
  /** Compare view: every pane is drawn as wide as this many reference pixels, so all show the same region. */
  referenceWidth?: number;
  boxes?: readonly PhotoBox[];
  onMetrics?: (metrics: PaneMetrics) => void;
  label: string;
}

export function ZoomPane({
  photoId,
  size,
  view,
  onView,
  referenceWidth,
  boxes,
  onMetrics,
  label,
}: ZoomPaneProps) {
  const { host } = useServices();
  const stageRef = useRef<HTMLDivElement>(null);
  const stage = useElementSize(stageRef);
  const [natural, setNatural] = useState<Size | null>(null);
  const [fullLoaded, setFullLoaded] = useState(false);
  useEffect(() => {
    setNatural(null);
    setFullLoaded(false);
  }, [photoId]);

  const own = size ?? natural;
  const image: Size | null = own
    ? referenceWidth
      ? { width: referenceWidth, height: (referenceWidth * own.height) / own.width }
      : own
    : null;

  const latest = useRef({ view, stage, image, onView });
  latest.current = { view, stage, image, onView };
  const imageWidth = image?.width ?? 0;
  const imageHeight = image?.height ?? 0;
  useEffect(() => {
    if (imageWidth > 0 && stage.width > 0)
      onMetrics?.({ stage, image: { width: imageWidth, height: imageHeight } });
  }, [imageWidth, imageHeight, stage, onMetrics]);

  // React registers wheel listeners as passive; zooming must stop the page from scrolling.
  useEffect(() => {
    const el = stageRef.current;
    if (!el) return undefined;
    const onWheel = (e: WheelEvent): void => {
      const { view: v, stage: s, image: i, onView: set } = latest.current;
      if (!i) return;
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      const factor = e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP;
      set(zoomTo(v, s, i, scaleOf(v, s, i) * factor, { x: e.clientX - rect.left, y: e.clientY - rect.top }));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const drag = useRef<{ x: number; y: number } | null>(null);
  const placement = image && stage.width > 0 ? place(view, stage, image) : null;
  // Percent of the photo's own pixels (in compare, of the widest copy's).
  const percent = placement ? Math.round(placement.scale * 100) : null;

  return (
    <div
      ref={stageRef}
      className={`zoom-stage ${placement && (placement.width > stage.width || placement.height > stage.height) ? 'pannable' : ''}`}
      data-testid="zoom-stage"
      data-percent={percent ?? ''}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, y: e.clientY };
      }}
      onPointerMove={(e) => {
        if (!drag.current || !image) return;
        const dx = e.clientX - drag.current.x;
        const dy = e.clientY - drag.current.y;
        drag.current = { x: e.clientX, y: e.clientY };
        onView(panBy(view, stage, image, dx, dy));
      }}
      onPointerUp={() => {
        drag.current = null;
      }}
      onDoubleClick={(e) => {
        if (!image) return;
        const rect = e.currentTarget.getBoundingClientRect();
        const atFit = view.scale === null || Math.abs(view.scale - fitScale(stage, image)) < 1e-6;
        onView(
          atFit
            ? zoomTo(view, stage, image, 1, { x: e.clientX - rect.left, y: e.clientY - rect.top })
            : { scale: null, cx: 0.5, cy: 0.5 },
        );
      }}
    >
      {placement && (
        <div
          className="zoom-image"
          style={{
            left: placement.left,
            top: placement.top,
            width: placement.width,
            height: placement.height,
          }}
        >
          {/* The cached preview paints at once; the original replaces it when it has loaded. */}
          {!fullLoaded && <img src={host.thumbUrl(photoId, 'large')} alt="" draggable={false} />}
          <img
            src={host.thumbUrl(photoId, 'full')}
            alt={label}
            draggable={false}
            className={fullLoaded ? '' : 'loading'}
            data-testid="viewer-image"
            data-scale={placement.scale.toFixed(4)}
            onLoad={(e) => {
              setFullLoaded(true);
              const img = e.currentTarget;
              if (!size && img.naturalWidth > 0)
                setNatural({ width: img.naturalWidth, height: img.naturalHeight });
            }}
          />
          {own &&
            boxes?.map((b, i) => (
              <div
                key={i}
                className={`photo-box ${b.kind}`}
                data-testid="viewer-box"
                data-kind={b.kind}
                style={{
                  left: `${(b.box[0] / own.width) * 100}%`,
                  top: `${(b.box[1] / own.height) * 100}%`,
                  width: `${(b.box[2] / own.width) * 100}%`,
                  height: `${(b.box[3] / own.height) * 100}%`,
                }}
              >
                {b.label && <span>{b.label}</span>}
              </div>
            ))}
        </div>
      )}
      {!placement && (
        <img
          src={host.thumbUrl(photoId, 'full')}
          alt=""
          className="probe"
          onLoad={(e) =>
            setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })
          }
        />
      )}
    </div>
  );
}
