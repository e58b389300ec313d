/**
 * What a delete plan will move: its items, plus the guarded files once the user has ticked the
 * extra confirmation (the engine moves those too). The summary, the table and the confirmation
 * dialog all count from here, so they say exactly what happens.
 */
import type { DeletePlan } from '../../src/common/contract/types';

export interface PlanRow {
  photoId: number;
  path: string;
  bytes: number;
  guarded: boolean;
}

export function rowsToMove(plan: DeletePlan, confirmGuarded: boolean): PlanRow[] {
  const rows = plan.items.map((i) => ({ photoId: i.photoId, path: i.path, bytes: i.bytes, guarded: false }));
  if (confirmGuarded)
    for (const g of plan.guarded)
      rows.push({ photoId: g.photoId, path: g.path, bytes: g.bytes, guarded: true });
  return rows;
}

export function moveCounts(plan: DeletePlan, confirmGuarded: boolean): { files: number; bytes: number } {
  const rows = rowsToMove(plan, confirmGuarded);
  return { files: rows.length, bytes: rows.reduce((sum, r) => sum + r.bytes, 0) };
}
