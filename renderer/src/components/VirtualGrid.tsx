/**
 * A small windowing grid: fixed-size cells, only the rows in view (plus overscan) are mounted.
 * With `columns: 1` and `cellWidth: 'fill'` it is a virtual list. Fine for 50,000+ items.
 */
import { useEffect, useRef, useState } from 'react';
import { useElementSize } from './use-element-size';
import type { ReactNode } from 'react';
import { blockIndex, computeWindow } from './windowing';

export interface VirtualGridProps {
  count: number;
  cellWidth: number | 'fill';
  cellHeight: number;
  gap?: number;
  overscanRows?: number;
  renderCell: (index: number) => ReactNode;
  /** Called with the mounted range [start, end): lets the caller load pages lazily. */
  onRange?: (start: number, end: number) => void;
  /** Keeps this index in view (keyboard navigation). */
  scrollToIndex?: number;
  className?: string;
  testId?: string;
  ariaLabel?: string;
}

export function VirtualGrid({
  count,
  cellWidth,
  cellHeight,
  gap = 8,
  overscanRows = 3,
  renderCell,
  onRange,
  scrollToIndex,
  className,
  testId,
  ariaLabel,
}: VirtualGridProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const size = useElementSize(viewport);
  // Rows are mounted in blocks, so scrolling re-renders only when a block boundary is crossed
  // (React bails out when the block index does not change), not on every scroll event.
  const [block, setBlock] = useState(0);

  const blockRows = Math.max(1, overscanRows);
  const { columns, rowHeight, rows, start, end } = computeWindow(
    {
      count,
      viewportWidth: size.width,
      viewportHeight: size.height,
      cellWidth,
      cellHeight,
      gap,
      blockRows,
      scrollTop: 0,
    },
    block,
  );

  useEffect(() => {
    if (end > start || count === 0) onRange?.(start, Math.max(end, Math.min(count, columns * 10)));
  }, [start, end, count, columns, onRange]);

  useEffect(() => {
    const el = viewport.current;
    if (!el || scrollToIndex === undefined || scrollToIndex < 0) return;
    const top = Math.floor(scrollToIndex / columns) * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight)
      el.scrollTop = top + rowHeight - el.clientHeight;
  }, [scrollToIndex, columns, rowHeight]);

  const cells: ReactNode[] = [];
  const width = cellWidth === 'fill' ? size.width : cellWidth;
  for (let i = start; i < end; i++) {
    const row = Math.floor(i / columns);
    const col = i % columns;
    cells.push(
      <div
        key={i}
        className="vcell"
        role="listitem"
        style={{
          transform: `translate(${col * (width + gap)}px, ${row * rowHeight}px)`,
          width,
          height: cellHeight,
        }}
      >
        {renderCell(i)}
      </div>,
    );
  }

  return (
    <div
      ref={viewport}
      className={`vgrid ${className ?? ''}`}
      data-testid={testId}
      role="list"
      aria-label={ariaLabel}
      onScroll={(e) => setBlock(blockIndex(e.currentTarget.scrollTop, rowHeight, blockRows))}
    >
      <div className="vgrid-canvas" style={{ height: rows * rowHeight }}>
        {cells}
      </div>
    </div>
  );
}
