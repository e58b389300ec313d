-- Vision results per content. Vectors themselves live in the HNSW indexes (label = row id);
-- SQLite keeps everything else.

CREATE TABLE vision_runs (
  content_id INTEGER PRIMARY KEY REFERENCES contents(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  at INTEGER NOT NULL,
  error TEXT
) STRICT;

CREATE TABLE faces (
  id INTEGER PRIMARY KEY,
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL, -- original-image pixels after EXIF orientation
  score REAL NOT NULL,
  quality REAL NOT NULL,
  quality_parts TEXT NOT NULL DEFAULT '{}',
  landmarks TEXT NOT NULL DEFAULT '[]',
  model_version TEXT NOT NULL,
  UNIQUE (content_id, idx)
) STRICT;

CREATE TABLE bodies (
  id INTEGER PRIMARY KEY,
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
  score REAL NOT NULL,
  face_id INTEGER REFERENCES faces(id) ON DELETE SET NULL,
  model_version TEXT NOT NULL,
  UNIQUE (content_id, idx)
) STRICT;

CREATE INDEX faces_content ON faces(content_id);
CREATE INDEX bodies_content ON bodies(content_id);
