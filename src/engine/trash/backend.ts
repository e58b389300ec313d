/** Where deleted photos go. The engine never unlinks a photo itself. */
export interface TrashBackend {
  name: string;
  /** Moves the file to the trash; returns where it went when that is known (needed for undo). */
  trash(file: Buffer): Promise<{ trashPath: string | null }>;
  /** Moves a trashed file back to its original path; refuses to overwrite. */
  restore(trashPath: string, original: Buffer): Promise<void>;
}
