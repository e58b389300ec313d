/**
 * Safe deletion: selection → plan (count, bytes, reason per file, guarded items) → dry run or
 * move to trash → journal → undo.
 */
import { useState } from 'react';
import type { DeletePlan, JournalEntry } from '../../../src/common/contract/types';
import { useQuery, useRunner, useServices } from '../api';
import {
  ConfirmDialog,
  EmptyState,
  EngineDetail,
  ErrorBox,
  formatBytes,
  formatDate,
  Thumb,
} from '../components/common';
import { useI18n } from '../i18n';
import { useAppState } from '../state';
import { moveCounts, rowsToMove } from '../plan-counts';
import { deleteReasonText, guardReasonText } from '../texts';

export function DeleteView() {
  const { t, locale } = useI18n();
  const { api } = useServices();
  const { basket, clearBasket, plan, showPlan, openLightbox } = useAppState();
  const people = useQuery((a) => a.people.list({ includeHidden: true }), [], ['people']);
  const nameOf = (personId: number): string | undefined => {
    const person = people.data?.find((p) => p.id === personId);
    return person ? (person.name ?? `${t('people.unnamed')} #${person.id}`) : undefined;
  };
  const [confirmGuarded, setConfirmGuarded] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<JournalEntry | null>(null);
  const action = useRunner();
  const journal = useQuery((a) => a.trash.journal({ limit: 50 }), [], ['trash', 'undo']);

  const makePlan = async (): Promise<void> => {
    setResult(null);
    setConfirmGuarded(false);
    // No reason of our own: the engine says per file why (duplicate of …, redundant shot, selected by you).
    const p = await action.run(() => api.trash.plan({ photoIds: [...basket] }));
    if (p) showPlan(p);
  };

  const execute = async (p: DeletePlan, dryRun: boolean): Promise<void> => {
    setConfirming(false);
    const entry = await action.run(() => api.trash.execute({ planId: p.id, dryRun, confirmGuarded }));
    if (entry) {
      setResult(entry);
      if (!dryRun) {
        showPlan(null);
        clearBasket();
      }
      journal.reload();
    }
  };

  const undo = async (entry: JournalEntry): Promise<void> => {
    const undone = await action.run(() => api.trash.undo({ journalId: entry.id }));
    if (undone) {
      setResult(undone);
      journal.reload();
    }
  };

  // Header, table and dialog all count what a run will move, guarded files included once ticked.
  const moving = plan ? moveCounts(plan, confirmGuarded) : { files: 0, bytes: 0 };
  const rows = plan ? rowsToMove(plan, confirmGuarded) : [];
  const reasons = new Map(plan?.items.map((i) => [i.photoId, deleteReasonText(i.because, t)]));
  const guardReasons = new Map(
    plan?.guarded.map((g) => [g.photoId, guardReasonText(g.because, t, locale, nameOf)]),
  );
  return (
    <section className="view" data-testid="view-delete">
      <header className="view-head">
        <h1>{t('delete.title')}</h1>
        <div className="row">
          <span className="muted" data-testid="basket-count">
            {t('delete.basket', { n: basket.size })}
          </span>
          <button disabled={basket.size === 0} onClick={clearBasket} data-testid="clear-basket">
            {t('delete.clear')}
          </button>
          <button
            className="primary"
            disabled={basket.size === 0 || action.pending}
            onClick={() => void makePlan()}
            data-testid="make-plan"
          >
            {t('delete.makePlan')}
          </button>
        </div>
      </header>
      <ErrorBox error={action.error} onClose={action.clearError} />

      {plan && (
        <div className="panel" data-testid="plan" data-plan-id={plan.id}>
          <h2 data-testid="plan-summary" data-files={moving.files}>
            {t('delete.planSummary', { n: moving.files, size: formatBytes(moving.bytes) })}
          </h2>
          {plan.guarded.length > 0 && (
            <div className="warning" data-testid="guarded">
              <strong>{t('delete.guardedTitle', { n: plan.guarded.length })}</strong>
              <ul>
                {plan.guarded.map((g) => (
                  <li key={g.photoId}>
                    <code>{g.path}</code> — {guardReasonText(g.because, t, locale, nameOf)}
                  </li>
                ))}
              </ul>
              <label>
                <input
                  type="checkbox"
                  checked={confirmGuarded}
                  onChange={(e) => setConfirmGuarded(e.target.checked)}
                  data-testid="confirm-guarded"
                />{' '}
                {t('delete.confirmGuarded')}
              </label>
            </div>
          )}
          <table className="table">
            <thead>
              <tr>
                <th />
                <th>{t('library.file')}</th>
                <th>{t('delete.size')}</th>
                <th>{t('delete.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, 500).map((item, index) => (
                <tr
                  key={item.photoId}
                  className={item.guarded ? 'guarded' : ''}
                  data-testid="plan-item"
                  data-guarded={item.guarded}
                >
                  <td>
                    <button
                      className="tile-open"
                      onClick={() =>
                        openLightbox({ mode: 'view', photoIds: rows.map((x) => x.photoId), index })
                      }
                      title={item.path}
                      data-testid="plan-open"
                    >
                      <Thumb photoId={item.photoId} px={48} />
                    </button>
                  </td>
                  <td>
                    <code>{item.path}</code>
                  </td>
                  <td>{formatBytes(item.bytes)}</td>
                  <td data-testid={item.guarded ? 'plan-guard-reason' : 'plan-reason'}>
                    {item.guarded ? guardReasons.get(item.photoId) : reasons.get(item.photoId)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > 500 && <p className="muted">{t('delete.more', { n: rows.length - 500 })}</p>}
          <div className="row end">
            <button onClick={() => showPlan(null)}>{t('common.cancel')}</button>
            <button disabled={action.pending} onClick={() => void execute(plan, true)} data-testid="dry-run">
              {t('delete.dryRun')}
            </button>
            <button
              className="danger"
              disabled={action.pending || moving.files === 0}
              onClick={() => setConfirming(true)}
              data-testid="move-to-trash"
            >
              {t('delete.moveToTrash')}
            </button>
          </div>
          {confirming && (
            <ConfirmDialog
              danger
              title={t('delete.moveToTrash')}
              confirmLabel={t('delete.moveToTrash')}
              onConfirm={() => void execute(plan, false)}
              onCancel={() => setConfirming(false)}
            >
              <p data-testid="confirm-text">
                {t('delete.confirmText', { n: moving.files, size: formatBytes(moving.bytes) })}
              </p>
            </ConfirmDialog>
          )}
        </div>
      )}
      {!plan && basket.size === 0 && !result && <EmptyState>{t('delete.empty')}</EmptyState>}

      {result && <JournalCard entry={result} onUndo={undo} highlight />}

      <h2>{t('delete.journal')}</h2>
      <ErrorBox error={journal.error} />
      {journal.data?.length === 0 && <p className="muted">{t('delete.noJournal')}</p>}
      <div data-testid="journal">
        {journal.data
          ?.filter((e) => e.id !== result?.id)
          .map((e) => (
            <JournalCard key={e.id} entry={e} onUndo={undo} />
          ))}
      </div>
    </section>
  );
}

function JournalCard({
  entry,
  onUndo,
  highlight,
}: {
  entry: JournalEntry;
  onUndo: (e: JournalEntry) => Promise<void>;
  highlight?: boolean;
}) {
  const { t, locale } = useI18n();
  const failed = entry.items.filter((i) => !i.ok);
  return (
    <div
      className={`panel journal ${highlight ? 'highlight' : ''}`}
      data-testid={highlight ? 'result' : 'journal-entry'}
      data-state={entry.state}
    >
      <div className="row">
        <strong>{t(`journalState.${entry.state}`)}</strong>
        <span className="muted">
          {formatDate(entry.at, locale)} ·{' '}
          {t('delete.planSummary', { n: entry.items.length, size: formatBytes(entry.totalBytes) })}
        </span>
        <div className="grow" />
        {(entry.state === 'done' || entry.state === 'partial') && (
          <button className="primary" onClick={() => void onUndo(entry)} data-testid="undo">
            {t('delete.undo')}
          </button>
        )}
      </div>
      {failed.length > 0 && (
        <ul className="error">
          {failed.map((i) => (
            <li key={i.photoId}>
              <code>{i.path}</code>: {t('delete.itemFailed')} {i.error && <EngineDetail message={i.error} />}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t('delete.files')}</summary>
        <ul className="small">
          {entry.items.map((i) => (
            <li key={i.photoId}>
              <code>{i.path}</code> {i.trashPath && <span className="muted">→ {i.trashPath}</span>}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
