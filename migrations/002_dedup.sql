-- Duplicate groups (recomputed after each scan) and the user's decisions (kept forever).

CREATE TABLE dup_groups (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('exact', 'near')),
  key TEXT NOT NULL UNIQUE,      -- stable identity: sorted content ids (near) or the content id (exact)
  evidence TEXT NOT NULL DEFAULT '[]'
) STRICT;

CREATE TABLE dup_members (
  group_id INTEGER NOT NULL REFERENCES dup_groups(id) ON DELETE CASCADE,
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  keep INTEGER NOT NULL,
  reasons TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (group_id, file_id)
) STRICT;

CREATE INDEX dup_members_file ON dup_members(file_id);

-- "Not a duplicate": pairs of contents, smaller id first. Respected by every later scan.
CREATE TABLE not_duplicate (
  content_a INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  content_b INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  PRIMARY KEY (content_a, content_b),
  CHECK (content_a < content_b)
) STRICT;

-- The user's choice of keeper, by file; overrides the suggestion while the file is in a group.
CREATE TABLE keeper_choice (
  file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
  at INTEGER NOT NULL
) STRICT;
