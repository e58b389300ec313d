-- Small engine bookkeeping that must survive a crash, e.g. "duplicate groups need a rebuild".

CREATE TABLE engine_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
