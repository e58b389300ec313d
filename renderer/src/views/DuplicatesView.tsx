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
import { VirtualGrid } from '../components/VirtualGrid';
import { useI18n } from '../i18n';
import { usePaged } from '../paged';
import { useAppState } from '../state';
import { splitPath } from '../components/Lightbox';
import { evidenceText, groupSummaryText, keeperReasonText, memberDiffText } from '../texts';

type Kind = 'all' | 'exact' | 'near';
const ROW_HEIGHT = 352;
const THUMB = 150;

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

// The folder is what tells copies apart: it gets its own field, wrapped, never cut.
const FIELDS: readonly Field[] = ['folder', 'resolution', 'size', 'date', 'format'];

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
  const scanJob = useJobs().find(({ job }) => job.type === 'scan' && (job.state === 'running' || job.state === 'queued'))?.job;
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
          <span className="muted">
            {t('dup.copies', { n: g.members.length })} ·{' '}
            {t('dup.reclaim', { size: formatBytes(g.reclaimableBytes) })}
          </span>
          <span
            className="muted evidence"
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
        <div className="members">
          {g.members.map((m) => {
            const marked = basket.has(m.id);
            const isSelected = isCurrent && selectedMember?.id === m.id;
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
                <div className="member-badges">
                  {m.keep && <span className="tag keep">{t('dup.keeper')}</span>}
                  {marked && <span className="tag danger">{t('dup.marked')}</span>}
                  <span className="member-name" title={m.path}>
                    {splitPath(m.path).name}
                  </span>
                </div>
                {!m.keep && (
                  <div className="member-diff" data-testid="member-diff" title={t('dup.vsKeeper')}>
                    {memberDiffText(m, keeper, t)}
                  </div>
                )}
                <dl className="props">
                  {FIELDS.map((f) => (
                    <div key={f} className={differs.has(f) ? 'differs' : ''}>
                      <dt>{t(`dup.field.${f}`)}</dt>
                      {/* The folder is clipped at its start (rtl box): its last folders are what tell copies apart. */}
                      <dd className={f === 'folder' ? 'folder-value' : undefined} title={fieldValue(m, f, locale)}>
                        {f === 'folder' ? `\u200e${fieldValue(m, f, locale)}\u200e` : fieldValue(m, f, locale)}
                      </dd>
                    </div>
                  ))}
                </dl>
                {m.why.length > 0 && (
                  <Reasons texts={m.why.map((r) => keeperReasonText(r, t, locale))} muted={!m.keep} />
                )}
                <div className="row">
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
              {t('dup.scanning', { stage: scanJob.stage === 'duplicates' ? t('stage.duplicates') : t('dup.scanningEarly') })}
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
          <button aria-pressed={showDismissed} onClick={() => setShowDismissed((v) => !v)} data-testid="show-dismissed">
            {t('dup.dismissedList')}
          </button>
          <button className="primary" disabled={total === 0} onClick={() => setConfirming(true)} data-testid="resolve-all">
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
        <ConfirmDialog title={t(resolveExact ? 'dup.resolveExact' : 'dup.resolveAll')} confirmLabel={t('dup.makePlan')} onConfirm={() => void resolveAll()} onCancel={() => setConfirming(false)}>
          <p>{t(resolveExact ? 'dup.resolveExactExplain' : 'dup.resolveAllExplain', { n: total.toLocaleString() })}</p>
        </ConfirmDialog>
      )}
      {!showDismissed && (
        <VirtualGrid
          testId="dup-list"
          ariaLabel={t('dup.title')}
          count={total}
          cellWidth="fill"
          cellHeight={ROW_HEIGHT}
          overscanRows={1}
          onRange={groups.ensure}
          scrollToIndex={current}
          renderCell={renderGroup}
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

/** A copy's reasons on one clipped line; all of them, one per line, on hover. */
function Reasons({ texts, muted }: { texts: string[]; muted: boolean }) {
  return (
    <div className={`reasons ${muted ? 'muted' : ''}`} title={texts.join('\n')} data-testid="reasons">
      {texts.join('; ')}
    </div>
  );
}
