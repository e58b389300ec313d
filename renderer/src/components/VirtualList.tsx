/**
 * A virtual list of items of varying heights. Heights are computed by the caller from the item's
 * data (a duplicate group: its number of copies times a fixed row height), not measured in the DOM:
 * the layout is known before anything is drawn, so scrolling never jumps while rows mount.
 */
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useElementSize } from './use-element-size';
import { blockIndex, computeListWindow, listOffsets } from './windowing';

export interface VirtualListProps {
  count: number;
  /** Height in px of item `index` (without the gap); must match what `renderItem` draws. */
  heightOf: (index: number) => number;
  gap?: number;
  renderItem: (index: number) => ReactNode;
  /** Called with the mounted range [start, end): lets the caller load pages lazily. */
  onRange?: (start: number, end: number) => void;
  /** Keeps this index in view (keyboard navigation). */
  scrollToIndex?: number;
  testId?: string;
  ariaLabel?: string;
}

export function VirtualList({
  count,
  heightOf,
  gap = 8,
  renderItem,
  onRange,
  scrollToIndex,
  testId,
  ariaLabel,
}: VirtualListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const size = useElementSize(viewport);
  // Mounted in blocks of half a viewport: scrolling re-renders only when a block boundary is crossed.
  const blockPx = Math.max(200, Math.round(size.height / 2));
  const [block, setBlock] = useState(0);
  const offsets = listOffsets(count, heightOf, gap);
  const { start, end } = computeListWindow(offsets, size.height, blockPx, block);

  useEffect(() => {
    if (end > start || count === 0) onRange?.(start, Math.max(end, Math.min(count, 10)));
  }, [start, end, count, onRange]);

  const targetTop =
    scrollToIndex === undefined || scrollToIndex < 0 || scrollToIndex >= count
      ? null
      : offsets[scrollToIndex];
  const targetBottom = scrollToIndex === undefined ? null : (offsets[scrollToIndex + 1] ?? null);
  useEffect(() => {
    const el = viewport.current;
    if (!el || targetTop === null || targetTop === undefined || targetBottom === null) return;
    const bottom = targetBottom - (scrollToIndex === count - 1 ? 0 : gap);
    // A group taller than the window is shown from its top, where its head and first copies are.
    if (targetTop < el.scrollTop || bottom - targetTop > el.clientHeight) el.scrollTop = targetTop;
    else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight;
  }, [targetTop, targetBottom, scrollToIndex, count, gap]);

  const items: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    items.push(
      <div
        key={i}
        className="vcell"
        role="listitem"
        style={{ transform: `translateY(${offsets[i] ?? 0}px)`, width: '100%', height: heightOf(i) }}
      >
        {renderItem(i)}
      </div>,
    );
  }

  return (
    <div
      ref={viewport}
      className="vgrid"
      data-testid={testId}
      role="list"
      aria-label={ariaLabel}
      onScroll={(e) => setBlock(blockIndex(e.currentTarget.scrollTop, blockPx, 1))}
    >
      <div className="vgrid-canvas" style={{ height: offsets[count] ?? 0 }}>
        {items}
      </div>
    </div>
  );
}
