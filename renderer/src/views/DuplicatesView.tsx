/**
 * Duplicate groups side by side: what differs between the copies, the suggested keeper with its
 * reasons, keyboard review (←/→ group, 1–9 member, k keep, d mark for deletion, n not a duplicate,
 * Enter view, c compare) and "resolve all suggested" which turns every non-keeper into a delete plan.
 * The selected copy is held by photo id, so it stays on the same photo when a new keeper re-sorts the cards.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DuplicateGroup, DuplicateMember } from '../../../src/common/contract/types';
import { useJobs, useQuery, useRunner, useServices } from '../api';
import type { UndoOffer } from '../components/common';
import {
  ConfirmDialog,
  EmptyState,
  ErrorBox,
  formatBytes,
  formatDate,
  Thumb,
  UndoBar,
} from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { libraryRelativeFolder, middleEllipsis } from '../folder-label';
import { useI18n } from '../i18n';
import { usePaged } from '../paged';
import { useAppState } from '../state';
import { splitPath } from '../components/Lightbox';
import { evidenceText, groupSummaryText, keeperReasonText, memberDiffText } from '../texts';

type Kind = 'all' | 'exact' | 'near';
const THUMB = 100;
// Every copy is one row of fixed height, so a group's height follows from its number of copies
// (kept in step with .group, .group-head, .member-columns and .member in styles.css).
const COPY_ROW = 72;
const ROW_GAP = 4;
const GROUP_CHROME = 2 /* border */ + 16 /* padding */ + 24 /* head */ + 16 /* column names */ + 2 * ROW_GAP;
const FOLDER_CHARS = 64;

export function groupHeight(copies: number): number {
  return GROUP_CHROME + copies * COPY_ROW + Math.max(0, copies - 1) * ROW_GAP;
}

type Field = 'resolution' | 'size' | 'date' | 'format' | 'folder';

function fieldValue(m: DuplicateMember, field: Field, locale: string): string {
  switch (field) {
    case 'resolution':
      return m.width && m.height ? `${m.width}×${m.height}` : '–';
    case 'size':
      return formatBytes(m.bytes);
    case 'date':
      return formatDate(m.capturedAt ?? m.mtime, locale);
    case 'format':
      return m.format ?? '–';
    case 'folder':
      return splitPath(m.path).folder;
  }
}

const FIELDS: readonly Field[] = ['folder', 'resolution', 'size', 'date', 'format'];
/** The facts shown as columns, aligned across the copies so differences stand out. */
const COLUMNS = ['resolution', 'size', 'format', 'date'] as const satisfies readonly Field[];

export function DuplicatesView() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const { basket, toggleBasket, showPlan, openLightbox } = useAppState();
  const [kind, setKind] = useState<Kind>('all');
  const [current, setCurrent] = useState(0);
  const [memberId, setMemberId] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [overrides, setOverrides] = useState<ReadonlyMap<number, DuplicateGroup>>(new Map());
  const action = useRunner();
  const [undoOffer, setUndoOffer] = useState<UndoOffer | null>(null);
  const [showDismissed, setShowDismissed] = useState(false);
  // While a scan runs, "no duplicates" would be a verdict on half a library: say it is still looking,
  // and reload when the scan moves on (groups are written by its grouping stage).
  const scanJob = useJobs().find(
    ({ job }) => job.type === 'scan' && (job.state === 'running' || job.state === 'queued'),
  )?.job;
  const scanStage = scanJob?.stage ?? null;

  const groups = usePaged<DuplicateGroup>(
    async (a, offset, limit) => {
      const r = await a.dedup.groups({ offset, limit, kind });
      return { total: r.total, items: r.groups };
    },
    [kind],
    ['scan', 'trash', 'undo', 'dedup', 'folders'],
    100,
  );
  const total = groups.total ?? 0;
  const folders = useQuery((a) => a.library.listFolders({}), [], ['folders']);
  const roots = useMemo(() => folders.data?.map((f) => f.path) ?? [], [folders.data]);
  const reloadGroups = groups.reload;
  useEffect(() => {
    if (scanStage !== null) reloadGroups();
  }, [scanStage, reloadGroups]);
  const groupAt = useCallback(
    (i: number): DuplicateGroup | undefined => {
      const g = groups.get(i);
      return g ? (overrides.get(g.id) ?? g) : undefined;
    },
    [groups, overrides],
  );

  useEffect(() => {
    setOverrides(new Map());
    setCurrent((c) => Math.min(c, Math.max(0, total - 1)));
  }, [total, kind]);

  // Keep the focus on the same group when a change (new keeper, not-a-duplicate) reorders the list.
  const [focusId, setFocusId] = useState<number | null>(null);
  const currentId = groupAt(current)?.id;
  useEffect(() => {
    if (currentId === undefined || focusId === null || currentId === focusId) return;
    for (let i = 0; i < Math.min(total, 5000); i++) {
      if (groups.get(i)?.id === focusId) {
        setCurrent(i);
        return;
      }
    }
  });
  const focusIndex = useCallback(
    (i: number) => {
      setCurrent(i);
      setFocusId(groups.get(i)?.id ?? null);
    },
    [groups],
  );

  const focused = groupAt(current);
  const selectedMember = useMemo(() => {
    if (!focused) return undefined;
    const chosen = memberId === null ? undefined : focused.members.find((m) => m.id === memberId);
    return chosen ?? focused.members.find((m) => !m.keep) ?? focused.members[0];
  }, [focused, memberId]);

  const keep = useCallback(
    async (group: DuplicateGroup, photoId: number) => {
      const updated = await action.run(() => api.dedup.setKeeper({ groupId: group.id, photoId }));
      if (updated) setOverrides((prev) => new Map(prev).set(updated.id, updated));
    },
    [action, api],
  );
  const view = useCallback(
    (group: DuplicateGroup, photoId: number) =>
      openLightbox({
        mode: 'view',
        photoIds: group.members.map((m) => m.id),
        index: Math.max(
          0,
          group.members.findIndex((m) => m.id === photoId),
        ),
      }),
    [openLightbox],
  );
  const compare = useCallback(
    (group: DuplicateGroup) =>
      openLightbox({
        mode: 'compare',
        photoIds: group.members.map((m) => m.id),
        keeperId: group.members.find((m) => m.keep)?.id,
        onKeep: (photoId) => keep(group, photoId),
      }),
    [openLightbox, keep],
  );
  const notDuplicate = useCallback(
    async (group: DuplicateGroup) => {
      const answer = await action.run(() => api.dedup.notDuplicate({ groupId: group.id }));
      groups.reload();
      if (answer)
        setUndoOffer({
          text: t('dup.dismissedOne', { n: group.members.length }),
          undo: () => action.run(() => api.dedup.restore({ id: answer.dismissal })),
        });
    },
    [action, api, groups, t],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (confirming || showDismissed || (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)))
        return;
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        e.preventDefault();
        focusIndex(Math.max(0, Math.min(total - 1, current + (e.key === 'ArrowRight' ? 1 : -1))));
        setMemberId(null);
      } else if (/^[1-9]$/.test(e.key)) {
        const picked = focused?.members[Number(e.key) - 1];
        if (picked) setMemberId(picked.id);
      } else if (e.key === 'k' && focused && selectedMember) {
        void keep(focused, selectedMember.id);
      } else if (e.key === 'd' && selectedMember) {
        toggleBasket(selectedMember.id);
      } else if (e.key === 'n' && focused) {
        void notDuplicate(focused);
      } else if (e.key === 'Enter' && focused && selectedMember) {
        e.preventDefault();
        view(focused, selectedMember.id);
      } else if (e.key === 'c' && focused) {
        compare(focused);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [
    confirming,
    showDismissed,
    total,
    current,
    focusIndex,
    focused,
    selectedMember,
    keep,
    notDuplicate,
    toggleBasket,
    view,
    compare,
  ]);

  // With the Exact filter on, only byte-identical copies go into the plan: the safest cleanup.
  const resolveExact = kind === 'exact';
  const resolveAll = async (): Promise<void> => {
    setConfirming(false);
    const plan = await action.run(async () => {
      if (!resolveExact) return api.trash.plan({ suggestedDuplicates: true, reason: t('dup.planReason') });
      const photoIds: number[] = [];
      for (let offset = 0; ; offset += 10_000) {
        const page = await api.dedup.groups({ kind: 'exact', offset, limit: 10_000 });
        for (const g of page.groups) for (const m of g.members) if (!m.keep) photoIds.push(m.id);
        if (offset + page.groups.length >= page.total || page.groups.length === 0) break;
      }
      return api.trash.plan({ photoIds, reason: t('dup.planReason') });
    });
    if (plan) showPlan(plan);
  };

  const heightOf = (i: number): number => groupHeight(groupAt(i)?.members.length ?? 2);

  const renderGroup = (i: number) => {
    const g = groupAt(i);
    if (!g) return <div className="group placeholder" />;
    const keeper = g.members.find((m) => m.keep);
    const differs = new Set(
      FIELDS.filter((f) => new Set(g.members.map((m) => fieldValue(m, f, locale))).size > 1),
    );
    const isCurrent = i === current;
    return (
      <article
        className={`group ${isCurrent ? 'current' : ''}`}
        data-testid="dup-group"
        data-group-id={g.id}
        data-current={isCurrent}
        onClick={() => focusIndex(i)}
      >
        <div className="group-head">
          <span className={`tag ${g.kind}`}>{t(`dup.kind.${g.kind}`)}</span>
          <span className="muted nowrap">
            {t('dup.copies', { n: g.members.length })} ·{' '}
            {t('dup.reclaim', { size: formatBytes(g.reclaimableBytes) })}
          </span>
          <span
            className="evidence"
            title={g.proof.map((e) => evidenceText(e, t)).join('\n')}
            data-testid="evidence"
          >
            {groupSummaryText(g, t)}
          </span>
          <div className="grow" />
          <button className="link" onClick={() => compare(g)} data-testid="dup-compare">
            {t('compare.open')} (c)
          </button>
          <button className="link" onClick={() => void notDuplicate(g)} data-testid="not-duplicate">
            {t('dup.notDuplicate')} (n)
          </button>
        </div>
        <div className="member member-columns" aria-hidden="true">
          <span />
          <span>{t('dup.field.file')}</span>
          {COLUMNS.map((f) => (
            <span key={f}>{t(`dup.field.${f}`)}</span>
          ))}
          <span>{t('dup.field.words')}</span>
          <span />
        </div>
        <div className="members" data-testid="dup-members">
          {g.members.map((m) => {
            const marked = basket.has(m.id);
            const isSelected = isCurrent && selectedMember?.id === m.id;
            const folder = splitPath(m.path).folder;
            const reasons = m.why.map((r) => keeperReasonText(r, t, locale));
            return (
              <div
                key={m.id}
                className={`member ${m.keep ? 'keep' : ''} ${marked ? 'marked' : ''} ${isSelected ? 'selected' : ''}`}
                data-testid="dup-member"
                data-photo-id={m.id}
                data-keep={m.keep}
                onClick={() => {
                  focusIndex(i);
                  setMemberId(m.id);
                }}
              >
                <button
                  className="tile-open"
                  onClick={() => view(g, m.id)}
                  title={t('photos.open', { name: m.path })}
                  data-testid="member-open"
                >
                  <Thumb photoId={m.id} px={THUMB} alt={m.path} />
                </button>
                <div className="member-file">
                  <div className="member-badges">
                    {m.keep && <span className="tag keep">{t('dup.keeper')}</span>}
                    {marked && <span className="tag danger">{t('dup.marked')}</span>}
                    <span className="member-name" title={m.path}>
                      {splitPath(m.path).name}
                    </span>
                  </div>
                  {/* The folder tells copies apart: relative to its library folder, cut in the middle if at all. */}
                  <div
                    className={`member-folder ${differs.has('folder') ? 'differs' : ''}`}
                    title={folder}
                    data-testid="member-folder"
                  >
                    {middleEllipsis(libraryRelativeFolder(folder, roots), FOLDER_CHARS)}
                  </div>
                </div>
                {COLUMNS.map((f) => (
                  <div key={f} className={`member-fact ${differs.has(f) ? 'differs' : ''}`} data-field={f}>
                    {fieldValue(m, f, locale)}
                  </div>
                ))}
                <div className="member-words">
                  {!m.keep && (
                    <div className="member-diff" data-testid="member-diff" title={t('dup.vsKeeper')}>
                      {memberDiffText(m, keeper, t)}
                    </div>
                  )}
                  {reasons.length > 0 && <Reasons texts={reasons} muted={!m.keep} lines={m.keep ? 3 : 2} />}
                </div>
                <div className="member-actions">
                  {!m.keep && (
                    <button onClick={() => void keep(g, m.id)} data-testid="keep">
                      {t('dup.keep')} (k)
                    </button>
                  )}
                  <button
                    className={marked ? '' : 'danger'}
                    onClick={() => toggleBasket(m.id)}
                    data-testid="mark"
                  >
                    {marked ? t('dup.unmark') : t('dup.mark')} (d)
                  </button>
                </div>
              </div>
            );
          })}
        </div>
      </article>
    );
  };

  return (
    <section className="view fill" data-testid="view-duplicates">
      <header className="view-head">
        <h1>
          {t('dup.title')}{' '}
          {groups.total !== null && (
            <span className="muted" data-testid="dup-total">
              ({total.toLocaleString()})
            </span>
          )}
          {scanJob && (
            <span className="tag scanning" data-testid="dup-scanning">
              {t('dup.scanning', {
                stage: scanJob.stage === 'duplicates' ? t('stage.duplicates') : t('dup.scanningEarly'),
              })}
            </span>
          )}
        </h1>
        <div className="row">
          <div className="segmented" role="group" aria-label={t('dup.filter')}>
            {(['all', 'exact', 'near'] as const).map((k) => (
              <button
                key={k}
                className={kind === k ? 'active' : ''}
                aria-pressed={kind === k}
                onClick={() => setKind(k)}
                data-testid={`filter-${k}`}
              >
                {t(`dup.filter.${k}`)}
              </button>
            ))}
          </div>
          <button
            aria-pressed={showDismissed}
            onClick={() => setShowDismissed((v) => !v)}
            data-testid="show-dismissed"
          >
            {t('dup.dismissedList')}
          </button>
          <button
            className="primary"
            disabled={total === 0}
            onClick={() => setConfirming(true)}
            data-testid="resolve-all"
          >
            {t(resolveExact ? 'dup.resolveExact' : 'dup.resolveAll')}
          </button>
        </div>
      </header>
      <p className="muted hint">{t('dup.keys')}</p>
      <ErrorBox error={action.error} onClose={action.clearError} />
      <UndoBar offer={undoOffer} onDone={() => setUndoOffer(null)} />
      {showDismissed && <DismissedList />}
      {!showDismissed && groups.total === 0 && (
        <EmptyState error={groups.error}>{scanJob ? t('dup.emptyWhileScanning') : t('dup.empty')}</EmptyState>
      )}
      {confirming && (
        <ConfirmDialog
          title={t(resolveExact ? 'dup.resolveExact' : 'dup.resolveAll')}
          confirmLabel={t('dup.makePlan')}
          onConfirm={() => void resolveAll()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            {t(resolveExact ? 'dup.resolveExactExplain' : 'dup.resolveAllExplain', {
              n: total.toLocaleString(),
            })}
          </p>
        </ConfirmDialog>
      )}
      {!showDismissed && (
        <VirtualList
          testId="dup-list"
          ariaLabel={t('dup.title')}
          count={total}
          heightOf={heightOf}
          onRange={groups.ensure}
          scrollToIndex={current}
          renderItem={renderGroup}
        />
      )}
    </section>
  );
}

/** Every "not a duplicate" answer, newest first, each with "group again" (its undo). */
function DismissedList() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const action = useRunner();
  const dismissed = useQuery((a) => a.dedup.dismissed({ limit: 200 }), [], ['dedup', 'scan', 'folders']);
  return (
    <div className="panel dismissed" data-testid="dismissed">
      <h2>{t('dup.dismissedTitle', { n: dismissed.data?.total ?? 0 })}</h2>
      <p className="muted">{t('dup.dismissedHint')}</p>
      <ErrorBox error={action.error ?? dismissed.error} onClose={action.clearError} />
      {dismissed.data?.total === 0 && <p className="muted">{t('dup.noDismissed')}</p>}
      {dismissed.data?.dismissals.map((d) => (
        <div key={d.id} className="dismissal row" data-testid="dismissal">
          <div className="row wrap grow">
            {d.photos.slice(0, 8).map((p) => (
              <Thumb key={p.id} photoId={p.id} px={64} alt={p.path} />
            ))}
          </div>
          <span className="muted small">{formatDate(d.at, locale)}</span>
          <button
            onClick={() => void action.run(() => api.dedup.restore({ id: d.id })).then(dismissed.reload)}
            data-testid="restore-dismissal"
          >
            {t('dup.restore')}
          </button>
        </div>
      ))}
    </div>
  );
}

/** A copy's reasons on a few clipped lines; all of them, one per line, on hover. */
function Reasons({ texts, muted, lines }: { texts: string[]; muted: boolean; lines: number }) {
  return (
    <div
      className={`reasons ${muted ? 'muted' : ''}`}
      style={{ WebkitLineClamp: lines }}
      title={texts.join('\n')}
      data-testid="reasons"
    >
      {texts.join('; ')}
    </div>
  );
}
