/**
 * Duplicate groups: exact (same bytes) and near (same picture, by perceptual hashes), each
 * with a suggested keeper and reasons. Recomputed after a scan; user decisions (keeper
 * choice, "not a duplicate") live in their own tables and are applied every time.
 */
import { closeSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import type { ApiHandlers } from '../../common/contract/api';
import type { Dismissal, DuplicateGroup, DuplicateKind, DuplicateMember, EditHint, GroupEvidence, ImageFormat, KeeperReason, PhotoSummary } from '../../common/contract/types';
import { DIHEDRAL_TRANSFORMS, type DihedralTransform } from '../../common/dedup/dihedral';
import { findEdits, type EditPair } from '../../common/dedup/edits';
import { findNearDuplicateGroups, type NearDuplicateGroup } from '../../common/dedup/grouping';
import { estimateJpegQuality } from '../../common/dedup/jpeg-quality';
import { englishReason, suggestKeeper, type KeeperCandidate } from '../../common/dedup/keeper';
import { EngineError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { Db } from '../db/open';
import { parseStoredKeyed } from '../db/stored-keyed';
import { PACKED_HASH_BYTES, unpackHashes } from '../library/hash-codec';

const CHOSEN: KeeperReason = { key: 'keep.chosen', params: {} };
const CHOSE_OTHER: KeeperReason = { key: 'lose.chosen', params: {} };

/** Group evidence in English (what `sift dupes` prints). */
export function englishEvidence(e: GroupEvidence): string {
  switch (e.key) {
    case 'evidence.identical':
      return `${e.params.files} files with identical bytes (same SHA-256)`;
    case 'evidence.copiesIncluded':
      return `${e.params.copies} byte-identical ${e.params.copies === 1 ? 'copy' : 'copies'} of these files in their own exact group`;
    case 'evidence.pair': {
      const { a, b, transform, phash, dhash, blockhash } = e.params;
      return `contents ${a}↔${b}${transform === 'identity' ? '' : ` after ${transform}`}: pHash ${phash}, dHash ${dhash}, blockhash ${blockhash} of 64 bits differ`;
    }
    case 'text':
      return e.params.text;
  }
}

interface MemberRow {
  file_id: number;
  path: string;
  path_bytes: Buffer;
  size: number;
  mtime_ms: number;
  content_id: number;
  width: number | null;
  height: number | null;
  format: ImageFormat | null;
  captured_at: number | null;
  exif_fields: number;
  camera: string | null;
  sharpness: number | null;
}

interface PlannedGroup {
  kind: DuplicateKind;
  key: string;
  evidence: GroupEvidence[];
  members: MemberRow[];
  /** Matched pairs of contents (near groups): what the edit analysis compares. */
  pairs: EditPair[];
}

/** The JPEG quality of a file from its first bytes (the tables precede the image data), or null. */
function jpegQualityOf(path: Buffer): number | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(256 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    return estimateJpegQuality(head.subarray(0, n));
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** The pairs stored as a group's evidence (what setKeeper can re-analyse without regrouping). */
function pairsOf(evidence: GroupEvidence[]): EditPair[] {
  return evidence.flatMap((e) => (e.key === 'evidence.pair' && isTransform(e.params.transform) ? [{ a: e.params.a, b: e.params.b, transform: e.params.transform }] : []));
}

function isTransform(t: string): t is DihedralTransform {
  return (DIHEDRAL_TRANSFORMS as readonly string[]).includes(t);
}

const MEMBER_COLUMNS = `f.id AS file_id, f.path, f.path_bytes, f.size, f.mtime_ms, f.content_id, c.width, c.height, c.format, c.captured_at, c.exif_fields, c.camera, c.sharpness`;

export function createDuplicateService(deps: { db: Db; logger: Logger; preferredFolders?: () => string[]; onChange?: () => void }) {
  const { db, logger } = deps;
  const q = {
    hashed: db.prepare(
      `SELECT c.id, c.hashes FROM contents c
       WHERE length(c.hashes) = ${PACKED_HASH_BYTES} AND EXISTS (SELECT 1 FROM files f WHERE f.content_id = c.id AND f.state = 'ok')`,
    ),
    multiCopy: db.prepare(`SELECT content_id FROM files WHERE state = 'ok' AND content_id IS NOT NULL GROUP BY content_id HAVING COUNT(*) > 1`).pluck(),
    filesOfContent: db.prepare<[number]>(
      `SELECT ${MEMBER_COLUMNS} FROM files f JOIN contents c ON c.id = f.content_id WHERE f.content_id = ? AND f.state = 'ok' ORDER BY f.path`,
    ),
    notDuplicate: db.prepare('SELECT content_a, content_b FROM not_duplicate'),
    hashesOf: db.prepare<[number]>(`SELECT hashes FROM contents WHERE id = ? AND length(hashes) = ${PACKED_HASH_BYTES}`).pluck(),
    keeperChoices: db.prepare('SELECT file_id FROM keeper_choice').pluck(),
    groupKeys: db.prepare('SELECT id, key FROM dup_groups'),
    deleteGroup: db.prepare<[number]>('DELETE FROM dup_groups WHERE id = ?'),
    insertGroup: db.prepare<[string, string, string]>('INSERT INTO dup_groups (kind, key, evidence) VALUES (?, ?, ?) RETURNING id'),
    updateGroup: db.prepare<[string, string, number]>('UPDATE dup_groups SET kind = ?, evidence = ? WHERE id = ?'),
    clearMembers: db.prepare<[number]>('DELETE FROM dup_members WHERE group_id = ?'),
    insertMember: db.prepare<[number, number, number, string]>('INSERT INTO dup_members (group_id, file_id, keep, reasons) VALUES (?, ?, ?, ?)'),
    group: db.prepare<[number]>('SELECT id, kind, key, evidence FROM dup_groups WHERE id = ?'),
    groupMembers: db.prepare<[number]>(
      `SELECT ${MEMBER_COLUMNS}, m.keep, m.reasons FROM dup_members m JOIN files f ON f.id = m.file_id JOIN contents c ON c.id = f.content_id
       WHERE m.group_id = ? ORDER BY m.keep DESC, f.path`,
    ),
    countGroups: db.prepare<[string, string]>('SELECT COUNT(*) FROM dup_groups WHERE kind IN (?, ?)').pluck(),
    pageGroups: db.prepare<[string, string, number, number]>(
      `SELECT g.id FROM dup_groups g
       LEFT JOIN (SELECT m.group_id, SUM(CASE WHEN m.keep = 0 THEN f.size ELSE 0 END) AS reclaim
                  FROM dup_members m JOIN files f ON f.id = m.file_id GROUP BY m.group_id) r ON r.group_id = g.id
       WHERE g.kind IN (?, ?) ORDER BY r.reclaim DESC, g.id LIMIT ? OFFSET ?`,
    ).pluck(),
    insertNotDup: db.prepare<[number, number, number]>('INSERT OR IGNORE INTO not_duplicate (content_a, content_b, at) VALUES (?, ?, ?)'),
    // One "not a duplicate" answer is the pairs it stored with one timestamp: that timestamp is its id.
    lastDismissal: db.prepare('SELECT MAX(at) FROM not_duplicate').pluck(),
    countDismissals: db.prepare('SELECT COUNT(DISTINCT at) FROM not_duplicate').pluck(),
    pageDismissals: db.prepare<[number, number]>('SELECT DISTINCT at FROM not_duplicate ORDER BY at DESC LIMIT ? OFFSET ?').pluck(),
    dismissalContents: db.prepare<[number, number]>(
      'SELECT content_a AS id FROM not_duplicate WHERE at = ? UNION SELECT content_b FROM not_duplicate WHERE at = ?',
    ).pluck(),
    restoreDismissal: db.prepare<[number]>('DELETE FROM not_duplicate WHERE at = ?'),
    clearChoices: db.prepare<[number]>('DELETE FROM keeper_choice WHERE file_id IN (SELECT file_id FROM dup_members WHERE group_id = ?)'),
    choose: db.prepare<[number, number]>('INSERT OR REPLACE INTO keeper_choice (file_id, at) VALUES (?, ?)'),
    setMember: db.prepare<[number, string, number, number]>('UPDATE dup_members SET keep = ?, reasons = ? WHERE group_id = ? AND file_id = ?'),
    nonKeepers: db.prepare(
      `SELECT m.file_id, f.path, f.size, m.group_id, g.kind FROM dup_members m JOIN files f ON f.id = m.file_id JOIN dup_groups g ON g.id = m.group_id
       WHERE m.keep = 0 AND f.state = 'ok' ORDER BY m.group_id, f.path`,
    ),
    stats: db.prepare(
      `SELECT COUNT(DISTINCT m.group_id) AS groups, COALESCE(SUM(CASE WHEN m.keep = 0 THEN f.size ELSE 0 END), 0) AS reclaim
       FROM dup_members m JOIN files f ON f.id = m.file_id`,
    ),
  };

  /** Edits of each content measured against the group (only near groups have any). */
  function editsOf(members: MemberRow[], pairs: readonly EditPair[]): Map<number, EditHint[]> {
    const contents = [...new Set(members.map((m) => m.content_id))];
    if (contents.length < 2) return new Map();
    const sharpness = new Map(members.map((m) => [m.content_id, m.sharpness]));
    return findEdits(
      contents.map((id) => {
        const blob = q.hashesOf.get(id) as Buffer | undefined;
        return { id, content: blob ? unpackHashes(blob).content : undefined, sharpness: sharpness.get(id) ?? null };
      }),
      pairs,
    );
  }

  function rankMembers(members: MemberRow[], choices: Set<number>, pairs: readonly EditPair[] = []): Array<{ fileId: number; keep: boolean; why: KeeperReason[] }> {
    const edits = editsOf(members, pairs);
    const candidates: KeeperCandidate[] = members.map((m) => ({
      id: m.file_id,
      path: m.path,
      bytes: m.size,
      width: m.width ?? 0,
      height: m.height ?? 0,
      format: m.format ?? 'other',
      exifFieldCount: m.exif_fields,
      capturedAt: m.captured_at,
      mtime: m.mtime_ms,
      edits: edits.get(m.content_id) ?? [],
      jpegQuality: m.format === 'jpeg' ? jpegQualityOf(m.path_bytes) : null,
      camera: m.camera,
    }));
    const suggestion = suggestKeeper(candidates, { preferredFolders: deps.preferredFolders?.() ?? [] });
    const chosen = members.find((m) => choices.has(m.file_id));
    return suggestion.ranked.map((r) => {
      if (!chosen) return { fileId: r.id, keep: r.keep, why: r.why };
      // The chosen copy keeps what speaks for it; how it lost to the suggested keeper no longer applies.
      if (r.id === chosen.file_id) return { fileId: r.id, keep: true, why: [CHOSEN, ...r.why.filter((x) => !x.key.startsWith('lose.'))] };
      return { fileId: r.id, keep: false, why: [CHOSE_OTHER, ...(r.keep ? [] : r.why)] };
    });
  }

  /**
   * The files of one content that are distinct photos on disk. A symlink and its target, or two
   * hard links, are one file: only one of them is a member (the one that is not a link, else the
   * first by path), so no group offers to trash a photo through a link or to trash its target.
   */
  function physicalFiles(contentId: number): MemberRow[] {
    const rows = q.filesOfContent.all(contentId) as MemberRow[];
    if (rows.length < 2) return rows;
    const byInode = new Map<string, { row: MemberRow; link: boolean }>();
    const unknown: MemberRow[] = [];
    for (const row of rows) {
      let key: string;
      let link: boolean;
      try {
        const st = statSync(row.path_bytes);
        link = lstatSync(row.path_bytes).isSymbolicLink();
        key = `${st.dev}:${st.ino}`;
      } catch {
        // Gone since the scan: the next scan marks it missing; until then it stays a plain member.
        unknown.push(row);
        continue;
      }
      const seen = byInode.get(key);
      if (!seen || (seen.link && !link)) byInode.set(key, { row, link });
    }
    return [...[...byInode.values()].map((v) => v.row), ...unknown].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.file_id - b.file_id));
  }

  function planGroups(choices: Set<number>): PlannedGroup[] {
    const items = (q.hashed.all() as Array<{ id: number; hashes: Buffer }>).map((r) => ({ id: r.id, hashes: unpackHashes(r.hashes) }));
    const notDuplicate = (q.notDuplicate.all() as Array<{ content_a: number; content_b: number }>).map((r) => [r.content_a, r.content_b] as const);
    const near: NearDuplicateGroup[] = findNearDuplicateGroups(items, { notDuplicate });
    const planned: PlannedGroup[] = [];
    // Byte-identical copies are their own ("exact") group, also when the content is in a near group:
    // that is the safest cleanup and the Exact filter must list it. The near group then holds one
    // file per content, the one its exact group keeps, so both groups agree on what stays.
    const representative = new Map<number, MemberRow>();
    const copiesOf = new Map<number, number>();
    for (const contentId of q.multiCopy.all() as number[]) {
      const members = physicalFiles(contentId);
      if (members.length === 0) continue;
      if (members.length === 1) {
        representative.set(contentId, members[0] as MemberRow);
        continue;
      }
      const keeperId = rankMembers(members, choices).find((r) => r.keep)?.fileId;
      representative.set(contentId, members.find((m) => m.file_id === keeperId) ?? (members[0] as MemberRow));
      copiesOf.set(contentId, members.length - 1);
      planned.push({ kind: 'exact', key: `e:${contentId}`, evidence: [{ key: 'evidence.identical', params: { files: members.length } }], members, pairs: [] });
    }
    for (const g of near) {
      const members = g.ids.flatMap((id) => {
        const rep = representative.get(id);
        return rep ? [rep] : (q.filesOfContent.all(id) as MemberRow[]).slice(0, 1);
      });
      const evidence: GroupEvidence[] = g.pairs.slice(0, 20).map((p) => ({
        key: 'evidence.pair',
        params: { a: p.a, b: p.b, transform: p.transform, phash: p.distances.phash, dhash: p.distances.dhash, blockhash: p.distances.blockhash },
      }));
      const copies = g.ids.reduce((n, id) => n + (copiesOf.get(id) ?? 0), 0);
      if (copies > 0) evidence.unshift({ key: 'evidence.copiesIncluded', params: { copies } });
      planned.push({ kind: 'near', key: `n:${g.ids.join(',')}`, evidence, members, pairs: g.pairs.map((p) => ({ a: p.a, b: p.b, transform: p.transform })) });
    }
    return planned;
  }

  function rebuild(): { groups: number; exact: number; near: number } {
    const started = performance.now();
    const choices = new Set(q.keeperChoices.all() as number[]);
    const planned = planGroups(choices);
    const existing = new Map((q.groupKeys.all() as Array<{ id: number; key: string }>).map((r) => [r.key, r.id]));
    db.transaction(() => {
      const keep = new Set(planned.map((p) => p.key));
      for (const [key, id] of existing) if (!keep.has(key)) q.deleteGroup.run(id);
      for (const p of planned) {
        let id = existing.get(p.key);
        if (id === undefined) id = (q.insertGroup.get(p.kind, p.key, JSON.stringify(p.evidence)) as { id: number }).id;
        else {
          q.updateGroup.run(p.kind, JSON.stringify(p.evidence), id);
          q.clearMembers.run(id);
        }
        for (const r of rankMembers(p.members, choices, p.pairs)) q.insertMember.run(id, r.fileId, r.keep ? 1 : 0, JSON.stringify(r.why));
      }
    })();
    const exact = planned.filter((p) => p.kind === 'exact').length;
    logger.info('duplicate groups rebuilt', { groups: planned.length, exact, ms: Math.round(performance.now() - started) });
    return { groups: planned.length, exact, near: planned.length - exact };
  }

  function toSummary(r: MemberRow): PhotoSummary {
    return { id: r.file_id, path: r.path, bytes: r.size, width: r.width, height: r.height, format: r.format, capturedAt: r.captured_at, mtime: r.mtime_ms };
  }

  function loadGroup(id: number): DuplicateGroup {
    const g = q.group.get(id) as { id: number; kind: DuplicateKind; key: string; evidence: string } | undefined;
    if (!g) throw new EngineError('NOT_FOUND', `No duplicate group ${id}`);
    const rows = q.groupMembers.all(id) as Array<MemberRow & { keep: number; reasons: string }>;
    const proof = parseStoredKeyed<GroupEvidence>(g.evidence);
    const members: DuplicateMember[] = rows.map((r) => {
      const why = parseStoredKeyed<KeeperReason>(r.reasons);
      return {
        id: r.file_id,
        path: r.path,
        bytes: r.size,
        width: r.width,
        height: r.height,
        format: r.format,
        capturedAt: r.captured_at,
        mtime: r.mtime_ms,
        keep: r.keep === 1,
        reasons: why.map(englishReason),
        why,
      };
    });
    return {
      id: g.id,
      kind: g.kind,
      members,
      evidence: proof.map(englishEvidence),
      proof,
      reclaimableBytes: members.filter((m) => !m.keep).reduce((s, m) => s + m.bytes, 0),
    };
  }

  const kindsOf = (kind: 'all' | DuplicateKind): [string, string] => (kind === 'all' ? ['exact', 'near'] : [kind, kind]);

  const handlers: ApiHandlers['dedup'] = {
    groups: ({ offset, limit, kind }) => {
      const [a, b] = kindsOf(kind);
      const ids = q.pageGroups.all(a, b, limit, offset) as number[];
      return Promise.resolve({ total: q.countGroups.get(a, b) as number, groups: ids.map(loadGroup) });
    },
    setKeeper: ({ groupId, photoId }) => {
      const group = loadGroup(groupId);
      if (!group.members.some((m) => m.id === photoId)) throw new EngineError('INVALID_ARGUMENT', `Photo ${photoId} is not in duplicate group ${groupId}`);
      db.transaction(() => {
        q.clearChoices.run(groupId);
        q.choose.run(photoId, Date.now());
        const rows = q.groupMembers.all(groupId) as MemberRow[];
        for (const r of rankMembers(rows, new Set([photoId]), pairsOf(group.proof))) q.setMember.run(r.keep ? 1 : 0, JSON.stringify(r.why), groupId, r.fileId);
      })();
      // The near group that holds this content shows the exact group's keeper: re-plan it.
      if (group.kind === 'exact') rebuild();
      deps.onChange?.();
      return Promise.resolve(loadGroup(groupId));
    },
    notDuplicate: ({ groupId, photoIds }) => {
      const group = loadGroup(groupId);
      const chosen = photoIds ? group.members.filter((m) => photoIds.includes(m.id)) : group.members;
      if (chosen.length < 2 && photoIds) throw new EngineError('INVALID_ARGUMENT', 'Pick at least two photos of the group');
      const rows = q.groupMembers.all(groupId) as MemberRow[];
      const contents = [...new Set(rows.filter((r) => chosen.some((c) => c.id === r.file_id)).map((r) => r.content_id))].sort((x, y) => x - y);
      if (contents.length < 2)
        throw new EngineError('CONFLICT', 'These files are byte-identical copies: they are always duplicates. Choose which copies to keep instead.');
      let dismissal = 0;
      db.transaction(() => {
        // One timestamp for the whole answer (unique: it is how the answer is listed and undone).
        dismissal = Math.max(Date.now(), ((q.lastDismissal.get() as number | null) ?? 0) + 1);
        for (let i = 0; i < contents.length; i++)
          for (let j = i + 1; j < contents.length; j++) q.insertNotDup.run(contents[i] as number, contents[j] as number, dismissal);
      })();
      rebuild();
      deps.onChange?.();
      return Promise.resolve({ groups: q.countGroups.get('exact', 'near') as number, dismissal });
    },
    dismissed: ({ offset, limit }) => {
      const ids = q.pageDismissals.all(limit, offset) as number[];
      const dismissals: Dismissal[] = ids.map((at) => ({
        id: at,
        at,
        photos: (q.dismissalContents.all(at, at) as number[]).flatMap((contentId) => (q.filesOfContent.all(contentId) as MemberRow[]).map(toSummary)),
      }));
      return Promise.resolve({ total: q.countDismissals.get() as number, dismissals });
    },
    restore: ({ id }) => {
      const removed = q.restoreDismissal.run(id).changes;
      if (removed === 0) throw new EngineError('NOT_FOUND', `No "not a duplicate" answer ${id} (already undone?)`);
      rebuild();
      deps.onChange?.();
      return Promise.resolve({ groups: q.countGroups.get('exact', 'near') as number });
    },
  };

  return {
    handlers,
    rebuild,
    loadGroup,
    nonKeepers: () => q.nonKeepers.all() as Array<{ file_id: number; path: string; size: number; group_id: number; kind: DuplicateKind }>,
    stats: () => q.stats.get() as { groups: number; reclaim: number },
  };
}

export type DuplicateService = ReturnType<typeof createDuplicateService>;
