/** Where deleted photos go. The engine never unlinks a photo itself. */
export interface TrashBackend {
  name: string;
  /**
   * Moves the file to the trash; returns where it went when that is known (needed for undo).
   * A backend that picks the destination itself calls `onReserved` with it before the move, so the
   * journal names the place even if the process dies during the move.
   */
  trash(file: Buffer, onReserved?: (trashPath: string) => void): Promise<{ trashPath: string | null }>;
  /** Moves a trashed file back to its original path; refuses to overwrite. */
  restore(trashPath: string, original: Buffer): Promise<void>;
}
