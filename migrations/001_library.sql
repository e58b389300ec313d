-- Library: folders, files (paths), contents (distinct bytes), scans and their errors.
-- Data computed from pixels hangs off contents, so a moved or renamed file keeps it.

CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  added_at INTEGER NOT NULL
) STRICT;

CREATE TABLE contents (
  id INTEGER PRIMARY KEY,
  sha256 BLOB NOT NULL UNIQUE,
  bytes INTEGER NOT NULL,
  format TEXT,
  width INTEGER,              -- after EXIF orientation
  height INTEGER,
  orientation INTEGER,
  captured_at INTEGER,        -- ms since epoch, from EXIF
  camera TEXT,
  gps_lat REAL,
  gps_lon REAL,
  exif_fields INTEGER NOT NULL DEFAULT 0,
  hashes BLOB,                -- perceptual hashes (pHash, dHash, blockhash × 8 dihedral variants), 192 bytes
  sharpness REAL,
  exposure REAL,
  has_thumb INTEGER NOT NULL DEFAULT 0,
  decoded_at INTEGER,         -- set once hashes and thumbnail exist
  error_code TEXT,
  error_message TEXT
) STRICT;

CREATE INDEX contents_bytes ON contents(bytes);

CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
  path TEXT NOT NULL,          -- display form (lossy for non-UTF-8 names)
  path_bytes BLOB NOT NULL UNIQUE, -- exact bytes of the path, used for every file system call
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  content_id INTEGER REFERENCES contents(id),
  state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'error', 'missing', 'trashed')),
  last_seen_scan INTEGER,
  first_seen_scan INTEGER,
  added_at INTEGER NOT NULL
) STRICT;

CREATE INDEX files_content ON files(content_id);
CREATE INDEX files_folder ON files(folder_id);
CREATE INDEX files_size ON files(size);

CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled', 'interrupted', 'failed')),
  files INTEGER NOT NULL DEFAULT 0,
  images INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE scan_errors (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  path_bytes BLOB NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE (scan_id, path_bytes)
) STRICT;
