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

export function computeWindow(input: WindowInput, block = blockIndex(input.scrollTop, input.cellHeight + input.gap, input.blockRows)): WindowResult {
  const { count, viewportWidth, viewportHeight, cellWidth, cellHeight, gap } = input;
  const blockRows = Math.max(1, input.blockRows);
  const columns = cellWidth === 'fill' ? 1 : Math.max(1, Math.floor((viewportWidth + gap) / (cellWidth + gap)));
  const rowHeight = cellHeight + gap;
  const rows = Math.ceil(count / columns);
  // One block of rows above the current block, and enough below to cover the viewport plus one block.
  const firstRow = Math.max(0, block * blockRows - blockRows);
  const lastRow = Math.min(rows, Math.ceil(((block + 1) * blockRows * rowHeight + viewportHeight) / rowHeight) + blockRows);
  return { columns, rowHeight, rows, block, start: Math.min(count, firstRow * columns), end: Math.min(count, Math.max(firstRow, lastRow) * columns) };
}
