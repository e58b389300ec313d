/**
 * People born inside one series. Density clustering across the library needs several mutually
 * close faces (four with minPts 3) and never uses faces too small to recognise, so the model of a
 * four-view fashion shoot, or a face 20 px wide, stays unknown there. Inside one series (one
 * shoot: the same clothes, linked on evidence) the question is smaller: are these few faces one
 * person? Faces of different photos of one series within `eps` of each other become one person; a
 * person never holds two faces of one photo (cannot-link), and a face only joins when it is within
 * `eps` of a face of the group (single linkage inside a series of a handful of photos, never across
 * series). Faces already in a person are not touched.
 */
export interface SeriesFace {
  faceId: number;
  contentId: number;
  seriesId: number;
  /**
   * Wide enough for its descriptor to tell two people apart (see PeopleParams.minFaceWidth). Faces
   * 10-30 px wide give descriptors that are noise: the same model's lay 0.10-0.14 apart, different
   * people's as close as 0.04. Such faces say "someone is here", not who.
   */
  recognisable?: boolean;
}

/**
 * dlib's own same-person bound (Euclidean 0.6 between unit descriptors, i.e. cosine distance 0.18):
 * in a single-figure series, faces too small to recognise that are no farther apart than this are
 * not taken as evidence of a second figure.
 */
export const SMALL_FACE_SAME_FIGURE = 0.18;

export interface SeriesPeopleInput {
  faces: readonly SeriesFace[];
  /**
   * Series that show one figure throughout (no photo of it holds two bodies or two faces): there the
   * shoot itself says whose photos these are, so even a single visible face makes a person, and the
   * faceless views join it by their clothes.
   */
  singleFigure?: ReadonlySet<number>;
  /** Cosine distance of two face descriptors, null when either is unknown. */
  distance: (a: number, b: number) => number | null;
}

/** Groups of face ids, each to become one person (at least two photos, or one face of a single-figure series). */
export function seriesPeople(input: SeriesPeopleInput, eps: number): number[][] {
  const bySeries = new Map<number, SeriesFace[]>();
  for (const f of input.faces) {
    const list = bySeries.get(f.seriesId);
    if (list === undefined) bySeries.set(f.seriesId, [f]);
    else list.push(f);
  }
  const out: number[][] = [];
  for (const [seriesId, faces] of bySeries) {
    const minFaces = input.singleFigure?.has(seriesId) === true ? 1 : 2;
    // Closest pairs first, so a face joins the group it matches best.
    const pairs: Array<{ a: number; b: number; d: number }> = [];
    for (let i = 0; i < faces.length; i++)
      for (let j = i + 1; j < faces.length; j++) {
        const fa = faces[i] as SeriesFace;
        const fb = faces[j] as SeriesFace;
        if (fa.contentId === fb.contentId) continue;
        const d = input.distance(fa.faceId, fb.faceId);
        if (d !== null && d <= eps) pairs.push({ a: i, b: j, d });
      }
    pairs.sort((x, y) => x.d - y.d);
    const group = faces.map((_, i) => i);
    const members = faces.map((f) => new Set([f.contentId]));
    const find = (i: number): number => {
      let r = i;
      while (group[r] !== r) r = group[r] as number;
      group[i] = r;
      return r;
    };
    for (const { a, b } of pairs) {
      const ra = find(a);
      const rb = find(b);
      if (ra === rb) continue;
      const ma = members[ra] as Set<number>;
      const mb = members[rb] as Set<number>;
      if ([...mb].some((c) => ma.has(c))) continue; // two faces of one photo are two people
      group[rb] = ra;
      for (const c of mb) ma.add(c);
    }
    const groups = new Map<number, number[]>();
    faces.forEach((f, i) => {
      const r = find(i);
      groups.set(r, [...(groups.get(r) ?? []), f.faceId]);
    });
    let found = [...groups.values()];
    if (minFaces === 1 && found.length > 1) {
      // In a single-figure series, faces that do not match each other are not all the one figure,
      // unless too small to say so: then, still within dlib's bound, they are the one figure.
      const recognisable = new Set(faces.filter((f) => f.recognisable === true).map((f) => f.faceId));
      const groupsWithRecognisable = found.filter((ids) => ids.some((id) => recognisable.has(id))).length;
      if (groupsWithRecognisable > 1 || !linkedWithin(faces, input.distance, SMALL_FACE_SAME_FIGURE))
        continue;
      found = [faces.map((f) => f.faceId)];
    }
    for (const ids of found) if (ids.length >= minFaces) out.push(ids.sort((x, y) => x - y));
  }
  return out;
}

/** Whether all faces are connected by pairs (of different photos) within `bound` (single linkage). */
function linkedWithin(
  faces: readonly SeriesFace[],
  distance: SeriesPeopleInput['distance'],
  bound: number,
): boolean {
  const reached = new Set([0]);
  const queue = [0];
  while (queue.length > 0) {
    const i = queue.pop() as number;
    const fi = faces[i] as SeriesFace;
    faces.forEach((fj, j) => {
      if (reached.has(j) || fj.contentId === fi.contentId) return;
      const d = distance(fi.faceId, fj.faceId);
      if (d !== null && d <= bound) {
        reached.add(j);
        queue.push(j);
      }
    });
  }
  return reached.size === faces.length;
}
