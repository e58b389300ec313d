/** Small shared pieces: thumbnails, progress bars, error boxes, a confirmation dialog. */
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import type { JobInfo } from '../../../src/common/contract/types';
import type { EngineError, ErrorCode } from '../../../src/common/errors';
import { useServices } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { engineMessageParts, spanText } from '../texts';
import type { ThumbSize } from '../transport';

export function Thumb({
  photoId,
  size = 'small',
  px,
  alt = '',
}: {
  photoId: number;
  size?: ThumbSize;
  px: number;
  alt?: string;
}) {
  const { host } = useServices();
  return (
    <img
      className="thumb"
      src={host.thumbUrl(photoId, size)}
      loading="lazy"
      decoding="async"
      width={px}
      height={px}
      alt={alt}
      draggable={false}
    />
  );
}

/** A change that can be taken back, offered right after it happened. */
export interface UndoOffer {
  text: string;
  undo: () => Promise<unknown>;
}

export function UndoBar({ offer, onDone }: { offer: UndoOffer | null; onDone: () => void }) {
  const { t } = useI18n();
  if (!offer) return null;
  return (
    <div className="undo-bar" role="status" data-testid="undo-bar">
      <span>{offer.text}</span>
      <button className="primary" onClick={() => void offer.undo().finally(onDone)} data-testid="undo-action">
        {t('common.undo')}
      </button>
      <button className="link" onClick={onDone} aria-label={t('common.dismiss')}>
        ✕
      </button>
    </div>
  );
}

export { formatBytes } from '../../../src/common/format';

export function formatDate(ms: number | null, locale: string): string {
  return ms === null ? '–' : new Date(ms).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
}

export function ErrorBox({ error, onClose }: { error: EngineError | null; onClose?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid="error">
      <strong>{t('error.title')}</strong> <EngineMessage code={error.code} message={error.message} />{' '}
      <code>{error.code}</code>
      {onClose && (
        <button className="link" onClick={onClose}>
          {t('common.dismiss')}
        </button>
      )}
    </div>
  );
}

export function EngineMessage({ code, message }: { code: ErrorCode; message: string }) {
  const { t, lang } = useI18n();
  const { text, detail } = engineMessageParts(code, message, lang, t);
  return (
    <span data-testid="engine-message">
      {text}
      {detail !== null && <EngineDetail message={detail} />}
    </span>
  );
}

/** The engine's own (English) words: shown as they are in English, on hover elsewhere. */
export function EngineDetail({ message }: { message: string }) {
  const { lang } = useI18n();
  if (lang === 'en') return <span className="muted">({message})</span>;
  return (
    <span className="muted info" title={message} aria-label={message}>
      {' '}
      ⓘ
    </span>
  );
}

/** The state a view shows when a service is not there yet or has nothing. */
export function EmptyState({ children, error }: { children: ReactNode; error?: EngineError | null }) {
  const { t } = useI18n();
  if (error && (error.code === 'UNSUPPORTED' || error.code === 'NOT_FOUND')) {
    return (
      <div className="empty" data-testid="empty">
        {t('common.unavailable')} <EngineDetail message={error.message} />
      </div>
    );
  }
  if (error) return <ErrorBox error={error} />;
  return (
    <div className="empty" data-testid="empty">
      {children}
    </div>
  );
}

/** Engine stage ids ("walk", "people: neighbours") as words; an unknown id is shown as it is. */
const STAGE_KEYS: Record<string, MessageKey> = {
  queued: 'stage.queued',
  walk: 'stage.walk',
  analyse: 'stage.analyse',
  duplicates: 'stage.duplicates',
  'people: neighbours': 'stage.people.neighbours',
  'people: saving': 'stage.people.saving',
  'people: bodies': 'stage.people.bodies',
  'series: loading': 'stage.series.loading',
  'series: grouping': 'stage.series.grouping',
  'series: scoring': 'stage.series.scoring',
  'series: saving': 'stage.series.saving',
};

export function ProgressBar({ job }: { job: JobInfo }) {
  const { t } = useI18n();
  const stageKey = STAGE_KEYS[job.stage];
  const fraction = job.total > 0 ? Math.min(1, job.done / job.total) : 0;
  return (
    <div className="job" data-testid="job" data-state={job.state} data-stage={job.stage}>
      <div className="job-head">
        <span>
          <strong>{stageKey ? t(stageKey) : job.stage}</strong>
        </span>
        <span className="muted">
          {job.done.toLocaleString()} / {job.total.toLocaleString()}
          {/* A rate means nothing for a one-step stage; an ETA from the first few percent is a guess. */}
          {job.rate > 0 && job.total > 1 && ` · ${job.rate.toFixed(1)} ${t('job.perSecond')}`}
          {job.etaSeconds !== null &&
            job.state === 'running' &&
            fraction >= 0.1 &&
            ` · ${t('job.eta')} ${spanText(Math.max(1, job.etaSeconds) * 1000, t)}`}
          {' · '}
          {t(`jobState.${job.state}`)}
        </span>
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={job.total}
        aria-valuenow={job.done}
      >
        <div className="bar-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  danger,
  confirmDisabled,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  danger?: boolean;
  confirmDisabled?: boolean;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog" onCancel={onCancel} data-testid="confirm">
      <h3>{title}</h3>
      <div>{children}</div>
      <div className="row end">
        <button onClick={onCancel}>{t('common.cancel')}</button>
        <button
          className={danger ? 'danger' : 'primary'}
          onClick={onConfirm}
          disabled={confirmDisabled}
          data-testid="confirm-ok"
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
