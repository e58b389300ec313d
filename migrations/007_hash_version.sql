-- Which algorithm made a content's perceptual hashes. Version 1 reduced the preview to 64×64 with
-- sharp's cubic kernel; version 2 averages areas in JS. Hashes of different versions differ by a
-- few bits, so the scan recomputes contents whose version is older than the code's.

ALTER TABLE contents ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
