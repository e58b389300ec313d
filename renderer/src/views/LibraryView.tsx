/** Folders, scanning with per-stage progress, and the files that could not be read. */
import { useState } from 'react';
import { useRunner, useJobs, useQuery, useServices } from '../api';
import type { Folder, ScanErrorCode } from '../../../src/common/contract/types';
import {
  ConfirmDialog,
  EmptyState,
  EngineDetail,
  EngineMessage,
  ErrorBox,
  formatBytes,
  formatDate,
  ProgressBar,
} from '../components/common';
import { DICTS, useI18n } from '../i18n';
import { FolderBrowser } from './FolderBrowser';

export function LibraryView() {
  const { t, locale } = useI18n();
  const { api, host } = useServices();
  const folders = useQuery((a) => a.library.listFolders({}), [], ['folders', 'scan']);
  const status = useQuery((a) => a.library.status({}), [], ['scan', 'folders', 'trash', 'undo']);
  const errors = useQuery((a) => a.library.errors({ limit: 500 }), [], ['scan', 'folders']);
  const jobs = useJobs();
  const [browsing, setBrowsing] = useState(false);
  const [removing, setRemoving] = useState<Folder | null>(null);
  const action = useRunner();

  const addFolder = async (): Promise<void> => {
    if (host.pickFolder) {
      const path = await host.pickFolder();
      if (path) await action.run(() => api.library.addFolder({ path }));
    } else setBrowsing(true);
  };

  const running = jobs.some(({ job }) => job.state === 'running' || job.state === 'queued');
  const last = status.data?.lastScan ?? null;

  return (
    <section className="view" data-testid="view-library">
      <header className="view-head">
        <h1>{t('library.title')}</h1>
        <div className="row">
          <button onClick={() => void addFolder()} data-testid="add-folder">
            {t('library.addFolder')}
          </button>
          <button
            className="primary"
            disabled={running || (folders.data?.length ?? 0) === 0}
            onClick={() => void action.run(() => api.library.scan({}))}
            data-testid="scan"
          >
            {running ? t('library.scanning') : t('library.scan')}
          </button>
        </div>
      </header>
      <ErrorBox error={action.error} onClose={action.clearError} />
      {browsing && (
        <FolderBrowser
          onCancel={() => setBrowsing(false)}
          onPick={(path) => {
            setBrowsing(false);
            void action.run(() => api.library.addFolder({ path }));
          }}
        />
      )}

      {removing && (
        <ConfirmDialog
          danger
          title={t('library.removeTitle')}
          confirmLabel={t('library.removeConfirm')}
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const id = removing.id;
            setRemoving(null);
            void action.run(() => api.library.removeFolder({ id }));
          }}
        >
          <p>
            <code>{removing.path}</code>
          </p>
          <p>{t('library.removeExplain', { n: removing.files.toLocaleString() })}</p>
        </ConfirmDialog>
      )}

      <h2>{t('library.folders')}</h2>
      {folders.data && folders.data.length === 0 && <EmptyState>{t('library.noFolders')}</EmptyState>}
      <ErrorBox error={folders.error} />
      <ul className="folders" data-testid="folders">
        {folders.data?.map((f) => (
          <li key={f.id} className="folder" data-testid="folder">
            <code>{f.path}</code>
            <span className="muted">{t('library.files', { n: f.files.toLocaleString() })}</span>
            <label className="preferred" title={t('library.preferredHint')}>
              <input
                type="checkbox"
                checked={f.preferred}
                onChange={(e) => {
                  const preferred = e.target.checked;
                  void action.run(() => api.library.setPreferred({ id: f.id, preferred }));
                }}
                data-testid="prefer-folder"
              />
              {t('library.preferred')}
            </label>
            <button className="link danger" onClick={() => setRemoving(f)} data-testid="remove-folder">
              {t('library.remove')}
            </button>
          </li>
        ))}
      </ul>

      <h2>{t('library.progress')}</h2>
      {jobs.length === 0 && <p className="muted">{t('library.noJobs')}</p>}
      <div className="jobs" data-testid="jobs">
        {jobs.slice(0, 3).map(({ job, stages }, index) => {
          const active = job.state === 'running' || job.state === 'queued';
          // Only the newest job shows its stages; earlier ones are one line each (the history used to grow by a bar per stage per scan).
          const expanded = index === 0 || active;
          return (
            <div key={job.id} className="job-group" data-testid="job-group" data-state={job.state}>
              <div className="row">
                <strong>
                  {t(`job.${job.type}`)} #{job.id}
                </strong>
                <span className="muted">{t(`jobState.${job.state}`)}</span>
                <div className="grow" />
                {active && (
                  <button
                    className="link"
                    onClick={() => void action.run(() => api.jobs.cancel({ id: job.id }))}
                  >
                    {t('common.cancel')}
                  </button>
                )}
              </div>
              {job.error && (
                <div className="error" data-testid="job-error">
                  {job.errorCode ? (
                    <EngineMessage code={job.errorCode} message={job.error} />
                  ) : (
                    <EngineDetail message={job.error} />
                  )}
                </div>
              )}
              {expanded &&
                stages
                  .filter((stage) => stage.stage !== 'queued' || stages.length === 1)
                  .map((stage, i, shown) => (
                    <ProgressBar
                      key={stage.stage}
                      job={
                        i < shown.length - 1
                          ? { ...stage, state: 'done', done: Math.max(stage.done, stage.total) }
                          : stage
                      }
                    />
                  ))}
            </div>
          );
        })}
      </div>
      {status.data && (
        <p className="muted" data-testid="library-summary">
          {t('library.summary', {
            images: status.data.images.toLocaleString(),
            bytes: formatBytes(status.data.bytes),
            errors: status.data.errors.toLocaleString(),
          })}
          {last &&
            ` · ${t('library.lastScan')} ${formatDate(last.finishedAt ?? last.startedAt, locale)} (${t(`scanState.${last.state}`)})`}
        </p>
      )}

      <h2>{t('library.errors')}</h2>
      <ErrorBox error={errors.error} />
      {errors.data && errors.data.total === 0 && <p className="muted">{t('library.noErrors')}</p>}
      {errors.data && errors.data.total > 0 && (
        <table className="table" data-testid="scan-errors">
          <thead>
            <tr>
              <th>{t('library.file')}</th>
              <th>{t('library.why')}</th>
            </tr>
          </thead>
          <tbody>
            {errors.data.errors.map((e) => (
              <tr key={e.id} data-testid="scan-error">
                <td>
                  <code>{e.path}</code>
                </td>
                <td>
                  <strong title={e.code}>{t(`scanError.${e.code}`)}</strong>{' '}
                  <ScanErrorDetail code={e.code} message={e.message} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * The engine's detail of an unreadable file (English). Its leading label repeats the code the row
 * already names ("Not an image: …"), so that is cut; in another language the detail is on hover.
 */
function ScanErrorDetail({ code, message }: { code: ScanErrorCode; message: string }) {
  const { lang } = useI18n();
  const label = DICTS.en[`scanError.${code}`];
  const detail = message.toLowerCase().startsWith(`${label.toLowerCase()}:`)
    ? message.slice(label.length + 1).trim()
    : message;
  if (!detail) return null;
  if (lang !== 'en')
    return (
      <span className="muted info" title={detail} aria-label={detail}>
        ⓘ
      </span>
    );
  return <span className="muted">{detail}</span>;
}
