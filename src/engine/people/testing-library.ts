/**
 * Test and benchmark support: writes real rows (folders, contents, files, faces, bodies, vision
 * runs) and real vectors into the HNSW indexes, the way the scan does.
 */
import type { Db } from '../db/open';
import type { VectorIndexes } from '../index/vector-indexes';

export interface PhotoSpec {
  capturedAt?: number | null;
  mtime?: number;
  width?: number;
  height?: number;
  sharpness?: number | null;
  exposure?: number | null;
  gps?: { lat: number; lon: number };
  background?: Float32Array;
  path?: string;
}

type Box = [number, number, number, number];

export class TestLibrary {
  private readonly folderId: number;
  private photoCount = 0;
  private readonly faceCount = new Map<number, number>();
  private readonly bodyCount = new Map<number, number>();
  private readonly s;

  constructor(
    db: Db,
    private readonly vectors: VectorIndexes,
  ) {
    this.s = {
      content: db
        .prepare<
          [Buffer, number, number, number | null, number | null, number | null, number | null, number | null],
          number
        >(
          `INSERT INTO contents (sha256, bytes, format, width, height, captured_at, sharpness, exposure, gps_lat, gps_lon)
           VALUES (?, 1000, 'jpeg', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .pluck(),
      file: db
        .prepare<[number, string, Buffer, number, number, number], number>(
          `INSERT INTO files (folder_id, path, path_bytes, size, mtime_ms, content_id, state, added_at)
           VALUES (?, ?, ?, 1000, ?, ?, 'ok', ?) RETURNING id`,
        )
        .pluck(),
      run: db.prepare<[number]>(
        "INSERT INTO vision_runs (content_id, model_version, at) VALUES (?, 'test', 0)",
      ),
      face: db
        .prepare<[number, number, number, number, number, number, number], number>(
          `INSERT INTO faces (content_id, idx, x, y, w, h, score, quality, model_version)
           VALUES (?, ?, ?, ?, ?, ?, 0.99, ?, 'test') RETURNING id`,
        )
        .pluck(),
      body: db
        .prepare<[number, number, number, number, number, number, number | null], number>(
          `INSERT INTO bodies (content_id, idx, x, y, w, h, score, face_id, model_version)
           VALUES (?, ?, ?, ?, ?, ?, 0.95, ?, 'test') RETURNING id`,
        )
        .pluck(),
    };
    this.folderId = db
      .prepare<[number], number>("INSERT INTO folders (path, added_at) VALUES ('/photos', ?) RETURNING id")
      .pluck()
      .get(Date.now()) as number;
  }

  addPhoto(spec: PhotoSpec = {}): { contentId: number; fileId: number; path: string } {
    this.photoCount += 1;
    const n = this.photoCount;
    const contentId = this.s.content.get(
      Buffer.from(`photo-${n}`.padEnd(32, '.')),
      spec.width ?? 4000,
      spec.height ?? 3000,
      spec.capturedAt === undefined ? null : spec.capturedAt,
      spec.sharpness ?? null,
      spec.exposure ?? null,
      spec.gps?.lat ?? null,
      spec.gps?.lon ?? null,
    ) as number;
    const path = spec.path ?? `/photos/IMG_${String(n).padStart(5, '0')}.jpg`;
    const fileId = this.s.file.get(
      this.folderId,
      path,
      Buffer.from(path),
      spec.mtime ?? 1_700_000_000_000 + n,
      contentId,
      Date.now(),
    ) as number;
    this.s.run.run(contentId);
    if (spec.background !== undefined) this.vectors.backgrounds.add(contentId, spec.background);
    return { contentId, fileId, path };
  }

  addFace(contentId: number, vector: Float32Array, quality = 0.9, box: Box = [100, 100, 200, 200]): number {
    const idx = this.faceCount.get(contentId) ?? 0;
    this.faceCount.set(contentId, idx + 1);
    const id = this.s.face.get(contentId, idx, ...box, quality) as number;
    this.vectors.faces.add(id, vector);
    return id;
  }

  addBody(
    contentId: number,
    vector: Float32Array,
    faceId: number | null = null,
    box: Box = [50, 50, 400, 900],
  ): number {
    const idx = this.bodyCount.get(contentId) ?? 0;
    this.bodyCount.set(contentId, idx + 1);
    const id = this.s.body.get(contentId, idx, ...box, faceId) as number;
    this.vectors.bodies.add(id, vector);
    return id;
  }
}
