/** Pure windowing arithmetic of VirtualGrid: which cells to mount for a scroll position. */
export interface WindowInput {
  count: number;
  viewportWidth: number;
  viewportHeight: number;
  /** 'fill': one cell per row, as wide as the viewport. */
  cellWidth: number | 'fill';
  cellHeight: number;
  gap: number;
  /** Rows mounted per block; scrolling re-renders only when the block index changes. */
  blockRows: number;
  scrollTop: number;
}

export interface WindowResult {
  columns: number;
  rowHeight: number;
  rows: number;
  block: number;
  start: number;
  end: number;
}

export function blockIndex(scrollTop: number, rowHeight: number, blockRows: number): number {
  return Math.max(0, Math.floor(scrollTop / (rowHeight * Math.max(1, blockRows))));
}

export function computeWindow(
  input: WindowInput,
  block = blockIndex(input.scrollTop, input.cellHeight + input.gap, input.blockRows),
): WindowResult {
  const { count, viewportWidth, viewportHeight, cellWidth, cellHeight, gap } = input;
  const blockRows = Math.max(1, input.blockRows);
  const columns =
    cellWidth === 'fill' ? 1 : Math.max(1, Math.floor((viewportWidth + gap) / (cellWidth + gap)));
  const rowHeight = cellHeight + gap;
  const rows = Math.ceil(count / columns);
  // One block of rows above the current block, and enough below to cover the viewport plus one block.
  const firstRow = Math.max(0, block * blockRows - blockRows);
  const lastRow = Math.min(
    rows,
    Math.ceil(((block + 1) * blockRows * rowHeight + viewportHeight) / rowHeight) + blockRows,
  );
  return {
    columns,
    rowHeight,
    rows,
    block,
    start: Math.min(count, firstRow * columns),
    end: Math.min(count, Math.max(firstRow, lastRow) * columns),
  };
}

/**
 * Tops of items of varying heights (`gap` between them): `offsets[i]` is where item i starts,
 * `offsets[count]` the height of the whole list.
 */
export function listOffsets(count: number, heightOf: (index: number) => number, gap: number): number[] {
  const offsets = new Array<number>(count + 1);
  let top = 0;
  for (let i = 0; i < count; i++) {
    offsets[i] = top;
    top += heightOf(i) + gap;
  }
  offsets[count] = count === 0 ? 0 : top - gap;
  return offsets;
}

/** The first item whose bottom is below `y` (items are sorted by their tops). */
export function itemAt(offsets: readonly number[], y: number): number {
  const count = offsets.length - 1;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((offsets[mid + 1] ?? 0) <= y) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, Math.max(0, count - 1));
}

/**
 * Items to mount for a list of varying heights: the viewport plus one block (`blockPx`) above and
 * below, where the block index (from `blockIndex(scrollTop, blockPx, 1)`) changes only every `blockPx` of scroll.
 */
export function computeListWindow(
  offsets: readonly number[],
  viewportHeight: number,
  blockPx: number,
  block: number,
): { start: number; end: number } {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, (block - 1) * blockPx);
  const bottom = (block + 2) * blockPx + viewportHeight;
  return { start: itemAt(offsets, top), end: Math.min(count, itemAt(offsets, bottom) + 1) };
}
