/**
 * Zoom and pan arithmetic of the viewer and the compare view, kept free of the DOM so it can be
 * tested. A view is a scale (CSS pixels per image pixel; null = fit the stage) and the image point
 * shown at the stage's centre, in fractions of the image, so panes of different sizes can share it.
 */
export interface Size {
  width: number;
  height: number;
}

export interface ZoomView {
  /** CSS pixels per image pixel; null fits the whole image in the stage (never enlarged). */
  scale: number | null;
  cx: number;
  cy: number;
}

export interface Placement {
  left: number;
  top: number;
  width: number;
  height: number;
  scale: number;
}

export const FIT: ZoomView = { scale: null, cx: 0.5, cy: 0.5 };
export const MIN_SCALE = 0.02;
export const MAX_SCALE = 8;
/** One step of the +/− buttons, keys and wheel notches. */
export const ZOOM_STEP = 1.25;

export function fitScale(stage: Size, image: Size): number {
  if (image.width <= 0 || image.height <= 0 || stage.width <= 0 || stage.height <= 0) return 1;
  return Math.min(stage.width / image.width, stage.height / image.height, 1);
}

export function scaleOf(view: ZoomView, stage: Size, image: Size): number {
  return view.scale ?? fitScale(stage, image);
}

/** Keeps the image covering the stage on an axis where it is larger, centred where it is smaller. */
function clampCentre(c: number, shown: number, stage: number): number {
  if (shown <= stage) return 0.5;
  const half = stage / 2 / shown;
  return Math.min(1 - half, Math.max(half, c));
}

export function place(view: ZoomView, stage: Size, image: Size): Placement {
  const scale = scaleOf(view, stage, image);
  const width = image.width * scale;
  const height = image.height * scale;
  const cx = clampCentre(view.cx, width, stage.width);
  const cy = clampCentre(view.cy, height, stage.height);
  return { left: stage.width / 2 - cx * width, top: stage.height / 2 - cy * height, width, height, scale };
}

/**
 * The view at `nextScale`, keeping the image point under `at` (stage coordinates; default the
 * centre) where it is, as photo viewers do for the wheel and double-click.
 */
export function zoomTo(
  view: ZoomView,
  stage: Size,
  image: Size,
  nextScale: number,
  at?: { x: number; y: number },
): ZoomView {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, nextScale));
  const before = place(view, stage, image);
  const x = at?.x ?? stage.width / 2;
  const y = at?.y ?? stage.height / 2;
  const u = (x - before.left) / before.width;
  const v = (y - before.top) / before.height;
  const width = image.width * scale;
  const height = image.height * scale;
  const cx = clampCentre(u - (x - stage.width / 2) / width, width, stage.width);
  const cy = clampCentre(v - (y - stage.height / 2) / height, height, stage.height);
  return { scale, cx, cy };
}

/** The view after dragging the image by (dx, dy) CSS pixels. */
export function panBy(view: ZoomView, stage: Size, image: Size, dx: number, dy: number): ZoomView {
  const p = place(view, stage, image);
  const cx = (stage.width / 2 - p.left - dx) / p.width;
  const cy = (stage.height / 2 - p.top - dy) / p.height;
  return {
    scale: view.scale ?? p.scale,
    cx: clampCentre(cx, p.width, stage.width),
    cy: clampCentre(cy, p.height, stage.height),
  };
}
