/**
 * Duplicate groups: exact (same bytes) and near (same picture, by perceptual hashes), each
 * with a suggested keeper and reasons. Recomputed after a scan; user decisions (keeper
 * choice, "not a duplicate") live in their own tables and are applied every time.
 */
import { closeSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { settle } from '../async';
import type { ApiHandlers } from '../../common/contract/api';
import type {
  Dismissal,
  DuplicateGroup,
  DuplicateKind,
  DuplicateMember,
  EditHint,
  GroupEvidence,
  KeeperReason,
  PhotoSummary,
} from '../../common/contract/types';
import { DIHEDRAL_TRANSFORMS, type DihedralTransform } from '../../common/dedup/dihedral';
import { findEdits, type EditPair } from '../../common/dedup/edits';
import { findNearDuplicateGroups, type NearDuplicateGroup } from '../../common/dedup/grouping';
import { estimateJpegQuality } from '../../common/dedup/jpeg-quality';
import { englishReason, suggestKeeper, type KeeperCandidate } from '../../common/dedup/keeper';
import { EngineError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { toPhotoSummary } from '../library/photo-row';
import type { DedupRepository, MemberRow } from './repository';
import { parseStoredKeyed } from '../db/stored-keyed';
import { unpackHashes } from '../library/hash-codec';

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
  return evidence.flatMap((e) =>
    e.key === 'evidence.pair' && isTransform(e.params.transform)
      ? [{ a: e.params.a, b: e.params.b, transform: e.params.transform }]
      : [],
  );
}

function isTransform(t: string): t is DihedralTransform {
  return (DIHEDRAL_TRANSFORMS as readonly string[]).includes(t);
}

export function createDuplicateService(deps: {
  repo: DedupRepository;
  logger: Logger;
  onChange?: () => void;
  /** The library folders the user prefers for keeping (see Folder.preferred). */
  preferredFolders?: () => string[];
}) {
  const { repo, logger } = deps;
  /** Edits of each content measured against the group (only near groups have any). */
  function editsOf(members: MemberRow[], pairs: readonly EditPair[]): Map<number, EditHint[]> {
    const contents = [...new Set(members.map((m) => m.content_id))];
    if (contents.length < 2) return new Map();
    const sharpness = new Map(members.map((m) => [m.content_id, m.sharpness]));
    return findEdits(
      contents.map((id) => {
        const blob = repo.hashesOf(id);
        return {
          id,
          content: blob ? unpackHashes(blob).content : undefined,
          sharpness: sharpness.get(id) ?? null,
        };
      }),
      pairs,
    );
  }

  /** What ranks a group's copies besides their own facts: the user's keeper choices and preferred folders. */
  interface Ranking {
    choices: Set<number>;
    preferredFolders: string[];
  }
  /** Read once per regrouping (or keeper choice), not once per group. */
  const ranking = (choices: Set<number>): Ranking => ({
    choices,
    preferredFolders: deps.preferredFolders?.() ?? [],
  });

  function rankMembers(
    members: MemberRow[],
    { choices, preferredFolders }: Ranking,
    pairs: readonly EditPair[] = [],
  ): Array<{ fileId: number; keep: boolean; why: KeeperReason[] }> {
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
    const suggestion = suggestKeeper(candidates, { preferredFolders });
    const chosen = members.find((m) => choices.has(m.file_id));
    return suggestion.ranked.map((r) => {
      if (!chosen) return { fileId: r.id, keep: r.keep, why: r.why };
      // The chosen copy keeps what speaks for it; how it lost to the suggested keeper no longer applies.
      if (r.id === chosen.file_id)
        return {
          fileId: r.id,
          keep: true,
          why: [CHOSEN, ...r.why.filter((x) => !x.key.startsWith('lose.'))],
        };
      return { fileId: r.id, keep: false, why: [CHOSE_OTHER, ...(r.keep ? [] : r.why)] };
    });
  }

  /**
   * The files of one content that are distinct photos on disk. A symlink and its target, or two
   * hard links, are one file: only one of them is a member (the one that is not a link, else the
   * first by path), so no group offers to trash a photo through a link or to trash its target.
   */
  function physicalFiles(contentId: number): MemberRow[] {
    const rows = repo.filesOfContent(contentId);
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
    return [...[...byInode.values()].map((v) => v.row), ...unknown].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : a.file_id - b.file_id,
    );
  }

  function planGroups(rank: Ranking): PlannedGroup[] {
    const items = repo.hashed().map((r) => ({ id: r.id, hashes: unpackHashes(r.hashes) }));
    const notDuplicate = repo.notDuplicatePairs();
    const near: NearDuplicateGroup[] = findNearDuplicateGroups(items, { notDuplicate });
    const planned: PlannedGroup[] = [];
    // Byte-identical copies are their own ("exact") group, also when the content is in a near group:
    // that is the safest cleanup and the Exact filter must list it. The near group then holds one
    // file per content, the one its exact group keeps, so both groups agree on what stays.
    const representative = new Map<number, MemberRow>();
    const copiesOf = new Map<number, number>();
    for (const contentId of repo.multiCopy()) {
      const members = physicalFiles(contentId);
      if (members.length === 0) continue;
      if (members.length === 1) {
        representative.set(contentId, members[0] as MemberRow);
        continue;
      }
      const keeperId = rankMembers(members, rank).find((r) => r.keep)?.fileId;
      representative.set(contentId, members.find((m) => m.file_id === keeperId) ?? (members[0] as MemberRow));
      copiesOf.set(contentId, members.length - 1);
      planned.push({
        kind: 'exact',
        key: `e:${contentId}`,
        evidence: [{ key: 'evidence.identical', params: { files: members.length } }],
        members,
        pairs: [],
      });
    }
    for (const g of near) {
      const members = g.ids.flatMap((id) => {
        const rep = representative.get(id);
        return rep ? [rep] : repo.filesOfContent(id).slice(0, 1);
      });
      const evidence: GroupEvidence[] = g.pairs.slice(0, 20).map((p) => ({
        key: 'evidence.pair',
        params: {
          a: p.a,
          b: p.b,
          transform: p.transform,
          phash: p.distances.phash,
          dhash: p.distances.dhash,
          blockhash: p.distances.blockhash,
        },
      }));
      const copies = g.ids.reduce((n, id) => n + (copiesOf.get(id) ?? 0), 0);
      if (copies > 0) evidence.unshift({ key: 'evidence.copiesIncluded', params: { copies } });
      planned.push({
        kind: 'near',
        key: `n:${g.ids.join(',')}`,
        evidence,
        members,
        pairs: g.pairs.map((p) => ({ a: p.a, b: p.b, transform: p.transform })),
      });
    }
    return planned;
  }

  function rebuild(): { groups: number; exact: number; near: number } {
    const started = performance.now();
    const rank = ranking(repo.keeperChoices());
    const planned = planGroups(rank);
    const existing = repo.groupKeys();
    repo.transaction(() => {
      const keep = new Set(planned.map((p) => p.key));
      for (const [key, id] of existing) if (!keep.has(key)) repo.deleteGroup(id);
      for (const p of planned) {
        let id = existing.get(p.key);
        if (id === undefined) id = repo.insertGroup(p.kind, p.key, JSON.stringify(p.evidence));
        else repo.updateGroup(id, p.kind, JSON.stringify(p.evidence));
        for (const r of rankMembers(p.members, rank, p.pairs))
          repo.insertMember(id, r.fileId, r.keep, JSON.stringify(r.why));
      }
    });
    const exact = planned.filter((p) => p.kind === 'exact').length;
    logger.info('duplicate groups rebuilt', {
      groups: planned.length,
      exact,
      ms: Math.round(performance.now() - started),
    });
    return { groups: planned.length, exact, near: planned.length - exact };
  }

  const toSummary = (r: MemberRow): PhotoSummary => toPhotoSummary({ ...r, id: r.file_id });

  function loadGroup(id: number): DuplicateGroup {
    const g = repo.group(id);
    if (!g) throw new EngineError('NOT_FOUND', `No duplicate group ${id}`);
    const rows = repo.groupMembers(id);
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

  const kindsOf = (kind: 'all' | DuplicateKind): [DuplicateKind, DuplicateKind] =>
    kind === 'all' ? ['exact', 'near'] : [kind, kind];

  const handlers: ApiHandlers['dedup'] = {
    groups: ({ offset, limit, kind }) =>
      settle(() => {
        const [a, b] = kindsOf(kind);
        const ids = repo.pageGroups(a, b, limit, offset);
        return { total: repo.countGroups(a, b), groups: ids.map(loadGroup) };
      }),
    setKeeper: ({ groupId, photoId }) =>
      settle(() => {
        const group = loadGroup(groupId);
        if (!group.members.some((m) => m.id === photoId))
          throw new EngineError('INVALID_ARGUMENT', `Photo ${photoId} is not in duplicate group ${groupId}`);
        repo.transaction(() => {
          repo.chooseKeeper(groupId, photoId, Date.now());
          const rows = repo.groupMembers(groupId);
          for (const r of rankMembers(rows, ranking(new Set([photoId])), pairsOf(group.proof)))
            repo.setMember(groupId, r.fileId, r.keep, JSON.stringify(r.why));
        });
        // The near group that holds this content shows the exact group's keeper: re-plan it.
        if (group.kind === 'exact') rebuild();
        deps.onChange?.();
        return loadGroup(groupId);
      }),
    notDuplicate: ({ groupId, photoIds }) =>
      settle(() => {
        const group = loadGroup(groupId);
        const chosen = photoIds ? group.members.filter((m) => photoIds.includes(m.id)) : group.members;
        if (chosen.length < 2 && photoIds)
          throw new EngineError('INVALID_ARGUMENT', 'Pick at least two photos of the group');
        const rows = repo.groupMembers(groupId);
        const contents = [
          ...new Set(rows.filter((r) => chosen.some((c) => c.id === r.file_id)).map((r) => r.content_id)),
        ].sort((x, y) => x - y);
        if (contents.length < 2)
          throw new EngineError(
            'CONFLICT',
            'These files are byte-identical copies: they are always duplicates. Choose which copies to keep instead.',
          );
        const dismissal = repo.transaction(() => repo.dismiss(contents, Date.now()));
        rebuild();
        deps.onChange?.();
        return { groups: repo.countGroups('exact', 'near'), dismissal };
      }),
    dismissed: ({ offset, limit }) =>
      settle(() => {
        const ids = repo.pageDismissals(limit, offset);
        const dismissals: Dismissal[] = ids.map((at) => ({
          id: at,
          at,
          photos: repo
            .dismissalContents(at)
            .flatMap((contentId) => repo.filesOfContent(contentId).map(toSummary)),
        }));
        return { total: repo.countDismissals(), dismissals };
      }),
    restore: ({ id }) =>
      settle(() => {
        const removed = repo.restoreDismissal(id);
        if (removed === 0)
          throw new EngineError('NOT_FOUND', `No "not a duplicate" answer ${id} (already undone?)`);
        rebuild();
        deps.onChange?.();
        return { groups: repo.countGroups('exact', 'near') };
      }),
  };

  return {
    handlers,
    rebuild,
    loadGroup,
    nonKeepers: () => repo.nonKeepers(),
    stats: () => repo.stats(),
  };
}

export type DuplicateService = ReturnType<typeof createDuplicateService>;
