-- Deletion is planned, journaled and undoable.

CREATE TABLE delete_plans (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  items TEXT NOT NULL,      -- JSON [{photoId, path, bytes, reason}]
  guarded TEXT NOT NULL     -- JSON [{photoId, path, why}]
) STRICT;

CREATE TABLE journal (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES delete_plans(id),
  at INTEGER NOT NULL,
  dry_run INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'partial', 'undone', 'dry-run'))
) STRICT;

CREATE TABLE journal_items (
  journal_id INTEGER NOT NULL REFERENCES journal(id) ON DELETE CASCADE,
  file_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  path_bytes BLOB NOT NULL,
  bytes INTEGER NOT NULL,
  trash_path TEXT,          -- where the file went (freedesktop trash) or NULL for the OS trash via Electron
  ok INTEGER NOT NULL,
  error TEXT,
  restored INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (journal_id, file_id)
) STRICT;
