-- A library folder the user prefers for keeping: among copies of a duplicate group that are
-- otherwise equal (byte-identical ones above all), the copy in a preferred folder is the keeper.
ALTER TABLE folders ADD COLUMN preferred INTEGER NOT NULL DEFAULT 0 CHECK (preferred IN (0, 1));
