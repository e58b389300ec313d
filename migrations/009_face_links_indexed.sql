-- Deleting a face (every re-analysis that finds fewer faces, every removed photo) sets the
-- references to it to NULL: bodies.face_id and people.cover_face_id. Without an index SQLite scans
-- every body of the library for each deleted face (found by the statement-plan test).
CREATE INDEX bodies_face ON bodies(face_id) WHERE face_id IS NOT NULL;
CREATE INDEX people_cover_face ON people(cover_face_id) WHERE cover_face_id IS NOT NULL;
