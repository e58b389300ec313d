-- People (clusters of faces with user constraints) and series (explainable shoots/bursts).

CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  name TEXT,
  hidden INTEGER NOT NULL DEFAULT 0,
  cover_face_id INTEGER REFERENCES faces(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Assignment of a face (or a faceless body) to a person. source: cluster | user | inferred.
CREATE TABLE face_person (
  face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('cluster', 'user')),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX face_person_person ON face_person(person_id);

CREATE TABLE body_person (
  body_id INTEGER PRIMARY KEY REFERENCES bodies(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  confidence REAL NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('inferred', 'confirmed', 'rejected')),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX body_person_person ON body_person(person_id);

-- Remembered user rejections: this face is not this person.
CREATE TABLE face_rejections (
  face_id INTEGER NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  PRIMARY KEY (face_id, person_id)
) STRICT;

CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  start_at INTEGER,
  end_at INTEGER,
  reasons TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE series_members (
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  score REAL NOT NULL,
  best INTEGER NOT NULL DEFAULT 0,
  redundant INTEGER NOT NULL DEFAULT 0,
  reasons TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (series_id, content_id)
) STRICT;
CREATE INDEX series_members_content ON series_members(content_id);

CREATE TABLE series_people (
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  PRIMARY KEY (series_id, person_id)
) STRICT;
