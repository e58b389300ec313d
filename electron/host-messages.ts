/**
 * Messages between the Electron main process and the engine's utility process that are not
 * part of the contract: thumbnails for the `sift-thumb:` protocol and the OS trash, which only
 * the main process can reach (`shell.trashItem`). Contract traffic uses `WireMessage`.
 */
export type HostRequest =
  | { t: 'host'; kind: 'thumb'; id: number; photoId: number; size: 'small' | 'large' | 'full' }
  | { t: 'host'; kind: 'trash-result'; id: number; ok: true; trashPath: string | null }
  | { t: 'host'; kind: 'trash-result'; id: number; ok: false; code: string; message: string }
  | { t: 'host'; kind: 'shutdown' };

export type HostReply =
  | { t: 'host'; kind: 'ready' }
  | { t: 'host'; kind: 'fatal'; message: string }
  | { t: 'host'; kind: 'thumb-result'; id: number; result: { path: string; mime: string } | null }
  /** Paths travel as base64 of their raw bytes: file names need not be UTF-8. */
  | { t: 'host'; kind: 'trash'; id: number; file: string }
  | { t: 'host'; kind: 'restore'; id: number; trashPath: string; original: string }
  | { t: 'host'; kind: 'stopped' };

export function isHostMessage(value: unknown): value is { t: 'host'; kind: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { t?: unknown }).t === 'host' &&
    typeof (value as { kind?: unknown }).kind === 'string'
  );
}
