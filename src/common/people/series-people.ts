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
}

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
    const found = [...groups.values()];
    // In a single-figure series, faces that do not match each other are not all the one figure.
    if (minFaces === 1 && found.length > 1) continue;
    for (const ids of found) if (ids.length >= minFaces) out.push(ids.sort((x, y) => x - y));
  }
  return out;
}
