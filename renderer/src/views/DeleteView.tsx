/**
 * Safe deletion: selection → plan (count, bytes, reason per file, guarded items) → dry run or
 * move to trash → journal → undo.
 */
import { useState } from 'react';
import type { DeletePlan, JournalEntry } from '../../../src/common/contract/types';
import { useQuery, useRunner, useServices } from '../api';
import { ConfirmDialog, EmptyState, ErrorBox, formatBytes, formatDate, Thumb } from '../components/common';
import { useI18n } from '../i18n';
import { useAppState } from '../state';
import { deleteReasonText, guardReasonText } from '../texts';

export function DeleteView() {
  const { t } = useI18n();
  const { api } = useServices();
  const { basket, clearBasket, plan, showPlan } = useAppState();
  const [confirmGuarded, setConfirmGuarded] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<JournalEntry | null>(null);
  const action = useRunner();
  const journal = useQuery((a) => a.trash.journal({ limit: 50 }), [], ['trash', 'undo']);

  const makePlan = async (): Promise<void> => {
    setResult(null);
    setConfirmGuarded(false);
    const p = await action.run(() => api.trash.plan({ photoIds: [...basket], reason: t('delete.selectedReason') }));
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

  const guardedIds = new Set(plan?.guarded.map((g) => g.photoId));
  return (
    <section className="view" data-testid="view-delete">
      <header className="view-head">
        <h1>{t('delete.title')}</h1>
        <div className="row">
          <span className="muted" data-testid="basket-count">
            {t('delete.basket', { n: basket.size })}
          </span>
          <button disabled={basket.size === 0} onClick={clearBasket}>
            {t('delete.clear')}
          </button>
          <button className="primary" disabled={basket.size === 0 || action.pending} onClick={() => void makePlan()} data-testid="make-plan">
            {t('delete.makePlan')}
          </button>
        </div>
      </header>
      <ErrorBox error={action.error} onClose={action.clearError} />

      {plan && (
        <div className="panel" data-testid="plan" data-plan-id={plan.id}>
          <h2 data-testid="plan-summary">{t('delete.planSummary', { n: plan.items.length, size: formatBytes(plan.totalBytes) })}</h2>
          {plan.guarded.length > 0 && (
            <div className="warning" data-testid="guarded">
              <strong>{t('delete.guardedTitle', { n: plan.guarded.length })}</strong>
              <ul>
                {plan.guarded.map((g) => (
                  <li key={g.photoId}>
                    <code>{g.path}</code> — {guardReasonText(g.because, t)}
                  </li>
                ))}
              </ul>
              <label>
                <input type="checkbox" checked={confirmGuarded} onChange={(e) => setConfirmGuarded(e.target.checked)} data-testid="confirm-guarded" />{' '}
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
              {plan.items.slice(0, 500).map((item) => (
                <tr key={item.photoId} className={guardedIds.has(item.photoId) ? 'guarded' : ''} data-testid="plan-item">
                  <td>
                    <Thumb photoId={item.photoId} px={48} />
                  </td>
                  <td>
                    <code>{item.path}</code>
                  </td>
                  <td>{formatBytes(item.bytes)}</td>
                  <td data-testid="plan-reason">{deleteReasonText(item.because, t)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {plan.items.length > 500 && <p className="muted">{t('delete.more', { n: plan.items.length - 500 })}</p>}
          <div className="row end">
            <button onClick={() => showPlan(null)}>{t('common.cancel')}</button>
            <button disabled={action.pending} onClick={() => void execute(plan, true)} data-testid="dry-run">
              {t('delete.dryRun')}
            </button>
            <button className="danger" disabled={action.pending || plan.items.length === 0} onClick={() => setConfirming(true)} data-testid="move-to-trash">
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
              <p>{t('delete.confirmText', { n: plan.items.length, size: formatBytes(plan.totalBytes) })}</p>
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
        {journal.data?.filter((e) => e.id !== result?.id).map((e) => <JournalCard key={e.id} entry={e} onUndo={undo} />)}
      </div>
    </section>
  );
}

function JournalCard({ entry, onUndo, highlight }: { entry: JournalEntry; onUndo: (e: JournalEntry) => Promise<void>; highlight?: boolean }) {
  const { t, locale } = useI18n();
  const failed = entry.items.filter((i) => !i.ok);
  return (
    <div className={`panel journal ${highlight ? 'highlight' : ''}`} data-testid={highlight ? 'result' : 'journal-entry'} data-state={entry.state}>
      <div className="row">
        <strong>{t(`journalState.${entry.state}`)}</strong>
        <span className="muted">
          {formatDate(entry.at, locale)} · {t('delete.planSummary', { n: entry.items.length, size: formatBytes(entry.totalBytes) })}
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
              <code>{i.path}</code>: {i.error}
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
