-- People (clusters of faces with user constraints) and series (explainable shoots/bursts).
-- Vectors live in the HNSW indexes beside the database; these tables hold decisions and reasons.

CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  name TEXT,
  hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
  cover_face_id INTEGER REFERENCES faces(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX people_name ON people(name COLLATE NOCASE);

-- Assignment of a face to a person. source 'user' rows (naming, merges = must-links, splits) are
-- never moved by clustering; 'cluster' rows are kept too, so assignments survive re-clustering.
CREATE TABLE face_person (
  face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('cluster', 'user')),
  confidence REAL NOT NULL DEFAULT 1,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX face_person_person ON face_person(person_id);

-- A body without a usable face, matched to a person by clothing within a series or time window.
-- 'inferred' rows are recomputed by each clustering run; 'confirmed' and 'rejected' are the
-- user's and are kept ('rejected' remembers "this body is not this person").
CREATE TABLE body_person (
  body_id INTEGER NOT NULL REFERENCES bodies(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  confidence REAL NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('inferred', 'confirmed', 'rejected')),
  evidence TEXT NOT NULL DEFAULT '{}',
  at INTEGER NOT NULL,
  PRIMARY KEY (body_id, person_id)
) STRICT;
CREATE UNIQUE INDEX body_person_one_live ON body_person(body_id) WHERE state <> 'rejected';
CREATE INDEX body_person_person ON body_person(person_id);

-- Remembered user rejections: this face is not this person (from splits and re-assignments).
CREATE TABLE face_rejections (
  face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  PRIMARY KEY (face_id, person_id)
) STRICT;

CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,      -- stable identity across regrouping (kept when most members stay)
  title TEXT NOT NULL,
  start_at INTEGER,
  end_at INTEGER,
  reasons TEXT NOT NULL DEFAULT '{}',      -- JSON: signals and values that made the series
  explanation TEXT NOT NULL DEFAULT '[]'   -- JSON: the same as sentences
) STRICT;
CREATE INDEX series_start ON series(start_at);

CREATE TABLE series_members (
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  content_id INTEGER NOT NULL UNIQUE REFERENCES contents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  score REAL NOT NULL,
  best INTEGER NOT NULL DEFAULT 0 CHECK (best IN (0, 1)),
  redundant INTEGER NOT NULL DEFAULT 0 CHECK (redundant IN (0, 1)),
  burst INTEGER,
  reasons TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (series_id, content_id)
) STRICT;

CREATE TABLE series_people (
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  photos INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (series_id, person_id)
) STRICT;
CREATE INDEX series_people_person ON series_people(person_id);
