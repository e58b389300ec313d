-- Faces narrower than 40 px are too small to recognise across a library (PeopleParams.minFaceWidth):
-- older Sift clustered them, and their near-identical descriptors made one "person" of most people
-- in low-resolution photos. Clustering no longer uses them; forget what it decided about them (the
-- user's own decisions stay). People left without faces are removed by the next clustering run.

DELETE FROM face_person WHERE source = 'cluster' AND face_id IN (SELECT id FROM faces WHERE w < 40);
