/** Every SQL statement of the vision domain: faces, bodies and the record of each photo's analysis. */
import type { Db } from '../db/open';
import type { Rect } from '../../common/geometry';

/** A stored detection: its row id and its box in original-image pixels. */
export interface StoredBox {
  id: number;
  box: Rect;
}

export interface FaceWrite {
  idx: number;
  box: Rect;
  score: number;
  quality: number;
  qualityParts: Record<string, number>;
  landmarks: Array<[number, number]>;
}

export interface BodyWrite {
  idx: number;
  box: Rect;
  score: number;
  faceId: number | null;
}

export interface FaceExportRow {
  id: number;
  path: string;
  box: Rect;
  score: number;
  quality: number;
}

export interface BodyExportRow {
  path: string;
  box: Rect;
  score: number;
  face: Rect | null;
}

export interface VisionRepository {
  /** Whether the photo was analysed by this version (successfully or with a recorded error). */
  analysed(contentId: number, version: string): boolean;
  faceBoxes(contentId: number): StoredBox[];
  bodyBoxes(contentId: number): StoredBox[];
  /** Moves the photo's rows out of the way of UNIQUE(content_id, idx) while new ones are matched to them. */
  park(contentId: number): void;
  insertFace(contentId: number, face: FaceWrite, version: string): number;
  updateFace(id: number, face: FaceWrite, version: string): void;
  deleteFace(id: number): void;
  insertBody(contentId: number, body: BodyWrite, version: string): number;
  updateBody(id: number, body: BodyWrite, version: string): void;
  deleteBody(id: number): void;
  recordRun(contentId: number, version: string, error: string | null): void;
  /** Makes these photos analysed again on the next scan (their vectors were lost). */
  forgetRuns(contentIds: readonly number[]): void;
  countFaces(): number;
  faceIds(): number[];
  bodyIds(): number[];
  /** Contents whose vision run succeeded (each has a background vector), sorted. */
  analysedContentIds(): number[];
  contentOfFace(faceId: number): number | null;
  contentOfBody(bodyId: number): number | null;
  exportFaces(): FaceExportRow[];
  exportBodies(): BodyExportRow[];
  transaction<T>(fn: () => T): T;
}

interface BoxRow {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

const rectOf = (r: { x: number; y: number; w: number; h: number }): Rect => [r.x, r.y, r.w, r.h];

export function createVisionRepository(db: Db): VisionRepository {
  const s = {
    analysed: db
      .prepare<[number, string]>('SELECT 1 FROM vision_runs WHERE content_id = ? AND model_version = ?')
      .pluck(),
    facesOf: db.prepare<[number], BoxRow>(
      'SELECT id, x, y, w, h FROM faces WHERE content_id = ? ORDER BY idx',
    ),
    bodiesOf: db.prepare<[number], BoxRow>(
      'SELECT id, x, y, w, h FROM bodies WHERE content_id = ? ORDER BY idx',
    ),
    insertFace: db
      .prepare(
        `INSERT INTO faces (content_id, idx, x, y, w, h, score, quality, quality_parts, landmarks, model_version)
       VALUES (@content, @idx, @x, @y, @w, @h, @score, @quality, @parts, @landmarks, @version) RETURNING id`,
      )
      .pluck(),
    updateFace: db.prepare(
      `UPDATE faces SET idx = @idx, x = @x, y = @y, w = @w, h = @h, score = @score, quality = @quality, quality_parts = @parts,
       landmarks = @landmarks, model_version = @version WHERE id = @id`,
    ),
    deleteFace: db.prepare<[number]>('DELETE FROM faces WHERE id = ?'),
    parkFaces: db.prepare<[number]>('UPDATE faces SET idx = -1 - idx WHERE content_id = ?'),
    parkBodies: db.prepare<[number]>('UPDATE bodies SET idx = -1 - idx WHERE content_id = ?'),
    insertBody: db
      .prepare(
        `INSERT INTO bodies (content_id, idx, x, y, w, h, score, face_id, model_version)
       VALUES (@content, @idx, @x, @y, @w, @h, @score, @face, @version) RETURNING id`,
      )
      .pluck(),
    updateBody: db.prepare(
      `UPDATE bodies SET idx = @idx, x = @x, y = @y, w = @w, h = @h, score = @score, face_id = @face, model_version = @version WHERE id = @id`,
    ),
    deleteBody: db.prepare<[number]>('DELETE FROM bodies WHERE id = ?'),
    run: db.prepare<[number, string, number, string | null]>(
      'INSERT INTO vision_runs (content_id, model_version, at, error) VALUES (?, ?, ?, ?) ON CONFLICT(content_id) DO UPDATE SET model_version = excluded.model_version, at = excluded.at, error = excluded.error',
    ),
    forgetRun: db.prepare<[number]>('DELETE FROM vision_runs WHERE content_id = ?'),
    countFaces: db.prepare('SELECT COUNT(*) FROM faces').pluck(),
    faceIds: db.prepare<[], number>('SELECT id FROM faces ORDER BY id').pluck(),
    bodyIds: db.prepare<[], number>('SELECT id FROM bodies ORDER BY id').pluck(),
    analysedContentIds: db
      .prepare<[], number>('SELECT content_id FROM vision_runs WHERE error IS NULL ORDER BY content_id')
      .pluck(),
    contentOfFace: db.prepare<[number], number>('SELECT content_id FROM faces WHERE id = ?').pluck(),
    contentOfBody: db.prepare<[number], number>('SELECT content_id FROM bodies WHERE id = ?').pluck(),
    allFaces: db.prepare<[], BoxRow & { path: string; score: number; quality: number }>(
      `SELECT fa.id, f.path, fa.x, fa.y, fa.w, fa.h, fa.score, fa.quality FROM faces fa JOIN files f ON f.content_id = fa.content_id
       WHERE f.state = 'ok' ORDER BY f.path, fa.idx`,
    ),
    allBodies: db.prepare<
      [],
      BoxRow & { path: string; score: number; fx: number | null; fy: number; fw: number; fh: number }
    >(
      `SELECT b.id, f.path, b.x, b.y, b.w, b.h, b.score, fa.x AS fx, fa.y AS fy, fa.w AS fw, fa.h AS fh FROM bodies b
       JOIN files f ON f.content_id = b.content_id LEFT JOIN faces fa ON fa.id = b.face_id
       WHERE f.state = 'ok' ORDER BY f.path, b.idx`,
    ),
  };
  const faceParams = (contentId: number, face: FaceWrite, version: string) => {
    const [x, y, w, h] = face.box;
    return {
      content: contentId,
      idx: face.idx,
      x,
      y,
      w,
      h,
      score: face.score,
      quality: face.quality,
      parts: JSON.stringify(face.qualityParts),
      landmarks: JSON.stringify(face.landmarks),
      version,
    };
  };
  const bodyParams = (contentId: number, body: BodyWrite, version: string) => {
    const [x, y, w, h] = body.box;
    return { content: contentId, idx: body.idx, x, y, w, h, score: body.score, face: body.faceId, version };
  };
  const boxes = (rows: BoxRow[]): StoredBox[] => rows.map((r) => ({ id: r.id, box: rectOf(r) }));

  return {
    analysed: (contentId, version) => s.analysed.get(contentId, version) !== undefined,
    faceBoxes: (contentId) => boxes(s.facesOf.all(contentId)),
    bodyBoxes: (contentId) => boxes(s.bodiesOf.all(contentId)),
    park(contentId) {
      s.parkFaces.run(contentId);
      s.parkBodies.run(contentId);
    },
    insertFace: (contentId, face, version) =>
      s.insertFace.get(faceParams(contentId, face, version)) as number,
    updateFace: (id, face, version) => void s.updateFace.run({ ...faceParams(0, face, version), id }),
    deleteFace: (id) => void s.deleteFace.run(id),
    insertBody: (contentId, body, version) =>
      s.insertBody.get(bodyParams(contentId, body, version)) as number,
    updateBody: (id, body, version) => void s.updateBody.run({ ...bodyParams(0, body, version), id }),
    deleteBody: (id) => void s.deleteBody.run(id),
    recordRun: (contentId, version, error) => void s.run.run(contentId, version, Date.now(), error),
    forgetRuns(contentIds) {
      db.transaction(() => {
        for (const id of contentIds) s.forgetRun.run(id);
      })();
    },
    countFaces: () => s.countFaces.get() as number,
    faceIds: () => s.faceIds.all(),
    bodyIds: () => s.bodyIds.all(),
    analysedContentIds: () => s.analysedContentIds.all(),
    contentOfFace: (faceId) => s.contentOfFace.get(faceId) ?? null,
    contentOfBody: (bodyId) => s.contentOfBody.get(bodyId) ?? null,
    exportFaces: () =>
      s.allFaces
        .all()
        .map((r) => ({ id: r.id, path: r.path, box: rectOf(r), score: r.score, quality: r.quality })),
    exportBodies: () =>
      s.allBodies.all().map((r) => ({
        path: r.path,
        box: rectOf(r),
        score: r.score,
        face: r.fx === null ? null : [r.fx, r.fy, r.fw, r.fh],
      })),
    transaction: (fn) => db.transaction(fn)(),
  };
}
