/** Browser-mode folder picker, backed by the engine's `library:browse`. */
import { useState } from 'react';
import { useQuery } from '../api';
import { ConfirmDialog, ErrorBox } from '../components/common';
import { useI18n } from '../i18n';

export function FolderBrowser({
  onPick,
  onCancel,
}: {
  onPick: (path: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [path, setPath] = useState<string | undefined>(undefined);
  const [typed, setTyped] = useState('');
  const listing = useQuery((api) => api.library.browse(path === undefined ? {} : { path }), [path]);
  // After a failed path the dialog stays on that path (with its error), never on the folder listed
  // before it, and nothing can be added until a folder that exists is shown.
  const failed = listing.error !== null;
  const current = failed ? (path ?? '') : (listing.data?.path ?? path ?? '');
  const usable = !failed && !listing.loading && current !== '';

  return (
    <ConfirmDialog
      title={t('browse.title')}
      confirmLabel={t('browse.choose')}
      confirmDisabled={!usable}
      onConfirm={() => usable && onPick(current)}
      onCancel={onCancel}
    >
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) setPath(typed.trim());
        }}
      >
        <input
          className="grow"
          value={typed}
          placeholder={current}
          onChange={(e) => setTyped(e.target.value)}
          aria-label={t('browse.path')}
          data-testid="browse-path"
        />
        <button type="submit" data-testid="browse-go">
          {t('browse.go')}
        </button>
      </form>
      <p>
        <code data-testid="browse-current">{current}</code>
      </p>
      <ErrorBox error={listing.error} />
      <ul className="browse-list" data-testid="browse-list">
        {!failed && listing.data?.parent && (
          <li>
            <button className="link" onClick={() => setPath(listing.data?.parent ?? undefined)}>
              ↑ {t('browse.up')}
            </button>
          </li>
        )}
        {!failed &&
          listing.data?.entries.map((entry) => (
            <li key={entry.path}>
              <button className="link" onClick={() => setPath(entry.path)} data-testid="browse-entry">
                <span className="folder-icon" aria-hidden="true" />
                {entry.name}
              </button>
              {entry.images !== null && (
                <span className="muted"> · {t('browse.images', { n: entry.images })}</span>
              )}
            </li>
          ))}
      </ul>
    </ConfirmDialog>
  );
}
