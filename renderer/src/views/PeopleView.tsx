/**
 * People: cards with faces, rename / merge / split / hide, unknown-face clusters named in bulk,
 * and inferred (faceless) matches the user confirms or rejects.
 */
import { useState } from 'react';
import type { PhotoBox } from '../state';
import { useAppState } from '../state';
import type { FaceRef, Person, PersonDetail, UnknownCluster } from '../../../src/common/contract/types';
import { useQuery, useRunner, useServices } from '../api';
import type { UndoOffer } from '../components/common';
import { ConfirmDialog, EmptyState, ErrorBox, Thumb, UndoBar } from '../components/common';
import { FaceThumb } from '../components/FaceThumb';
import { useI18n } from '../i18n';
import { pendingSuggestions } from '../suggestions';
import type { Translate } from '../i18n';

export function PeopleView() {
  const { t } = useI18n();
  const [tab, setTab] = useState<'people' | 'unknown'>('people');
  const [openId, setOpenId] = useState<number | null>(null);
  return (
    <section className="view" data-testid="view-people">
      <header className="view-head">
        <h1>{t('people.title')}</h1>
        <div className="segmented" role="tablist">
          <button
            role="tab"
            aria-selected={tab === 'people'}
            className={tab === 'people' ? 'active' : ''}
            onClick={() => setTab('people')}
            data-testid="tab-people"
          >
            {t('people.named')}
          </button>
          <button
            role="tab"
            aria-selected={tab === 'unknown'}
            className={tab === 'unknown' ? 'active' : ''}
            onClick={() => setTab('unknown')}
            data-testid="tab-unknown"
          >
            {t('people.unknown')}
          </button>
        </div>
      </header>
      {tab === 'people' && openId === null && <PeopleList onOpen={setOpenId} />}
      {tab === 'people' && openId !== null && <PersonPage id={openId} onBack={() => setOpenId(null)} />}
      {tab === 'unknown' && <UnknownClusters />}
    </section>
  );
}

function personName(p: Person, unnamed: string): string {
  return p.name ?? `${unnamed} #${p.id}`;
}

/** "1 face · 3 photos": singular and plural said properly in each language. */
export function countsText(p: Pick<Person, 'faceCount' | 'photoCount'>, t: Translate): string {
  const faces = t(p.faceCount === 1 ? 'people.face' : 'people.faceMany', { n: p.faceCount });
  const photos = t(p.photoCount === 1 ? 'people.photo' : 'people.photoMany', { n: p.photoCount });
  return `${faces} · ${photos}`;
}

/** The photos of some face or body refs, each with its boxes, for the viewer. */
function viewerOf(
  refs: readonly FaceRef[],
  kind: PhotoBox['kind'],
  label: string,
): { photoIds: number[]; boxes: Map<number, PhotoBox[]> } {
  const boxes = new Map<number, PhotoBox[]>();
  for (const r of refs) boxes.set(r.photoId, [...(boxes.get(r.photoId) ?? []), { box: r.box, kind, label }]);
  return { photoIds: [...boxes.keys()], boxes };
}

function PeopleList({ onOpen }: { onOpen: (id: number) => void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const [includeHidden, setIncludeHidden] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [merging, setMerging] = useState(false);
  const [survivor, setSurvivor] = useState<number | null>(null);
  const people = useQuery(
    (a) => a.people.list({ includeHidden }),
    [includeHidden],
    ['people', 'scan', 'trash', 'undo', 'folders'],
  );
  const action = useRunner();
  const peopleUndo = usePeopleUndo((undoId) =>
    action.run(() => api.people.undo({ undoId })).then(people.reload),
  );

  const toggle = (id: number): void =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const chosen = people.data?.filter((p) => selected.has(p.id)) ?? [];
  const into =
    survivor !== null && selected.has(survivor)
      ? survivor
      : (chosen.find((p) => p.name !== null) ?? chosen[0])?.id;
  const merge = async (): Promise<void> => {
    setMerging(false);
    if (into === undefined) return;
    const done = await action.run(() => api.people.merge({ ids: [...selected], into }));
    if (done) {
      setSelected(new Set());
      people.reload();
      peopleUndo.remember({
        undoId: done.undoId,
        text: t('people.merged', { n: chosen.length, name: personName(done, t('people.unnamed')) }),
      });
    }
  };
  return (
    <>
      <div className="row toolbar">
        <label>
          <input
            type="checkbox"
            checked={includeHidden}
            onChange={(e) => setIncludeHidden(e.target.checked)}
          />{' '}
          {t('people.showHidden')}
        </label>
        <div className="grow" />
        <span className="muted">{t('people.selected', { n: selected.size })}</span>
        <button
          className="primary"
          disabled={selected.size < 2}
          onClick={() => {
            setSurvivor(null);
            setMerging(true);
          }}
          data-testid="merge"
        >
          {t('people.merge')}
        </button>
      </div>
      <ErrorBox error={action.error} onClose={action.clearError} />
      <UndoBar offer={peopleUndo.offer} onDone={() => peopleUndo.remember(null)} />
      {people.data?.length === 0 && <EmptyState>{t('people.empty')}</EmptyState>}
      {people.error && <EmptyState error={people.error}>{t('people.empty')}</EmptyState>}
      {merging && (
        <ConfirmDialog
          title={t('people.mergeTitle')}
          confirmLabel={t('people.mergeConfirm', { n: chosen.length })}
          confirmDisabled={into === undefined}
          onConfirm={() => void merge()}
          onCancel={() => setMerging(false)}
        >
          <p>{t('people.mergeInto')}</p>
          <div className="merge-choices" role="radiogroup">
            {chosen.map((p) => (
              <label
                key={p.id}
                className={`merge-choice ${into === p.id ? 'chosen' : ''}`}
                data-testid="merge-into"
              >
                <input
                  type="radio"
                  name="survivor"
                  checked={into === p.id}
                  onChange={() => setSurvivor(p.id)}
                />
                {p.cover ? <FaceThumb face={p.cover} px={56} round /> : <div className="thumb placeholder" />}
                <span>
                  <strong>{personName(p, t('people.unnamed'))}</strong>
                  <br />
                  <span className="muted small">{countsText(p, t)}</span>
                </span>
              </label>
            ))}
          </div>
          <p className="muted small">{t('people.mergeUndoHint')}</p>
        </ConfirmDialog>
      )}
      <div className="cards" data-testid="people">
        {people.data?.map((p) => (
          <div
            key={p.id}
            className={`card person ${selected.has(p.id) ? 'selected' : ''} ${p.hidden ? 'hidden' : ''}`}
            data-testid="person"
            data-person-id={p.id}
          >
            <button className="card-open" onClick={() => onOpen(p.id)} data-testid="open-person">
              {p.cover ? (
                <FaceThumb face={p.cover} px={120} round />
              ) : (
                <div className="thumb placeholder" style={{ width: 120, height: 120 }} />
              )}
              <div className="card-title" data-testid="person-name">
                {personName(p, t('people.unnamed'))}
              </div>
              <div className="muted" data-testid="person-counts">
                {countsText(p, t)}
              </div>
            </button>
            <label className="card-select">
              <input
                type="checkbox"
                checked={selected.has(p.id)}
                onChange={() => toggle(p.id)}
                data-testid="select-person"
              />{' '}
              {t('people.select')}
            </label>
          </div>
        ))}
      </div>
    </>
  );
}

function FaceTile({
  face,
  picked,
  excluded,
  onToggle,
}: {
  face: FaceRef;
  picked?: boolean;
  excluded?: boolean;
  onToggle?: () => void;
}) {
  // Without a toggle (inferred matches), a click shows the whole photo with the box drawn.
  return (
    <button
      className={`tile face ${picked ? 'picked' : ''} ${excluded ? 'excluded' : ''}`}
      aria-pressed={onToggle ? Boolean(picked) || !excluded : undefined}
      onClick={onToggle}
      title={face.path}
      data-testid="face"
    >
      <FaceThumb face={face} px={96} />
    </button>
  );
}

function PersonPage({ id, onBack }: { id: number; onBack: () => void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const { openLightbox } = useAppState();
  const person = useQuery((a) => a.people.get({ id }), [id], ['people']);
  const [decided, setDecided] = useState<ReadonlySet<number>>(new Set());
  const action = useRunner();
  const [name, setName] = useState<string | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const [splitName, setSplitName] = useState('');

  const p: PersonDetail | undefined = person.data;
  const toggle = (faceId: number): void =>
    setPicked((prev) => {
      const next = new Set(prev);
      if (next.has(faceId)) next.delete(faceId);
      else next.add(faceId);
      return next;
    });
  const after = (): void => person.reload();
  const peopleUndo = usePeopleUndo((undoId) =>
    action
      .run(() => api.people.undo({ undoId }))
      .then(() => {
        setName(null);
        after();
      }),
  );
  const label = p ? personName(p, t('people.unnamed')) : '';
  /** Opens the viewer on the photos of `refs` (boxes drawn as `kind`), at the one holding `id`. */
  const openAt = (refs: readonly FaceRef[], kind: PhotoBox['kind'], id: number): void => {
    const { photoIds, boxes } = viewerOf(refs, kind, label);
    const at = refs.find((f) => f.id === id)?.photoId;
    openLightbox({ mode: 'view', photoIds, boxes, index: Math.max(0, photoIds.indexOf(at ?? -1)) });
  };
  const openFaces = (faceId: number): void => {
    if (p) openAt(p.faces, 'face', faceId);
  };
  // Only confident suggestions, and only those still waiting for an answer (confirmed ones are the person's now).
  const suggestions = p ? pendingSuggestions(p.inferred, decided) : [];
  const openInferred = (bodyId: number): void => openAt(suggestions, 'body', bodyId);
  const decide = (bodyId: number, accept: boolean): void => {
    void action
      .run(() => api.people.confirmInferred({ bodyIds: [bodyId], accept }))
      .then((r) => {
        if (!r) return;
        setDecided((prev) => new Set(prev).add(bodyId));
        after();
      });
  };

  return (
    <div data-testid="person-page">
      <button className="link" onClick={onBack} data-testid="back">
        ← {t('common.back')}
      </button>
      <ErrorBox error={action.error ?? person.error} onClose={action.clearError} />
      <UndoBar offer={peopleUndo.offer} onDone={() => peopleUndo.remember(null)} />
      {p && (
        <>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              const before = p.name;
              if (name?.trim())
                void action
                  .run(() => api.people.rename({ id, name: name.trim() }))
                  .then((done) => {
                    after();
                    if (done)
                      peopleUndo.remember({
                        undoId: done.undoId,
                        text: t('people.renamed', {
                          from: before ?? t('people.unnamed'),
                          to: done.name ?? '',
                        }),
                      });
                  });
            }}
          >
            <input
              value={name ?? p.name ?? ''}
              placeholder={t('people.namePlaceholder')}
              onChange={(e) => setName(e.target.value)}
              aria-label={t('people.rename')}
              data-testid="rename-input"
            />
            <button type="submit" className="primary" data-testid="rename">
              {t('people.rename')}
            </button>
            <button
              type="button"
              onClick={() => void action.run(() => api.people.hide({ id, hidden: !p.hidden })).then(after)}
              data-testid="hide"
            >
              {p.hidden ? t('people.unhide') : t('people.hide')}
            </button>
          </form>
          <h2>{t('people.faces', { n: p.faces.length })}</h2>
          <div className="row toolbar">
            <span className="muted">{t('people.splitHint')}</span>
            <input
              value={splitName}
              placeholder={t('people.newName')}
              onChange={(e) => setSplitName(e.target.value)}
              aria-label={t('people.newName')}
            />
            <button
              disabled={picked.size === 0 || picked.size === p.faces.length}
              onClick={() =>
                void action
                  .run(() =>
                    api.people.split({
                      id,
                      faceIds: [...picked],
                      ...(splitName.trim() ? { name: splitName.trim() } : {}),
                    }),
                  )
                  .then(() => {
                    setPicked(new Set());
                    after();
                  })
              }
              data-testid="split"
            >
              {t('people.split', { n: picked.size })}
            </button>
          </div>
          <div className="faces">
            {p.faces.map((f) => (
              <div key={f.id} className="face-cell">
                <FaceTile face={f} picked={picked.has(f.id)} onToggle={() => toggle(f.id)} />
                <div className="row">
                  <button className="link small" onClick={() => openFaces(f.id)} data-testid="face-view">
                    {t('people.view')}
                  </button>
                  <button
                    className="link small"
                    onClick={() =>
                      void action.run(() => api.people.setCover({ id, faceId: f.id })).then(after)
                    }
                  >
                    {t('people.setCover')}
                  </button>
                </div>
              </div>
            ))}
          </div>
          <PersonPhotos personId={id} />
          <h2>{t('people.inferred', { n: suggestions.length })}</h2>
          <p className="muted">{t('people.inferredHint')}</p>
          {suggestions.length === 0 && <p className="muted">{t('people.noInferred')}</p>}
          <div className="faces">
            {suggestions.map((f) => (
              <div key={f.id} className="face-cell" data-testid="inferred" data-body-id={f.id}>
                <FaceTile face={f} onToggle={() => openInferred(f.id)} />
                <span className="muted small">{Math.round(f.confidence * 100)}%</span>
                <div className="row">
                  <button className="small" onClick={() => decide(f.id, true)} data-testid="inferred-yes">
                    ✓ {t('people.accept')}
                  </button>
                  <button className="small" onClick={() => decide(f.id, false)} data-testid="inferred-no">
                    ✗ {t('people.reject')}
                  </button>
                </div>
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

/** Every photo of the person (faces and confirmed faceless matches), opening in the viewer. */
function PersonPhotos({ personId }: { personId: number }) {
  const { t } = useI18n();
  const { openLightbox, navigate, showSeriesOf } = useAppState();
  const photos = useQuery(
    (a) => a.library.photos({ personId, limit: 500 }),
    [personId],
    ['people', 'scan', 'trash', 'undo'],
  );
  const ids = photos.data?.photos.map((p) => p.id) ?? [];
  return (
    <>
      <div className="row">
        <h2 className="grow">{t('people.photos', { n: photos.data?.total ?? 0 })}</h2>
        <button
          className="link"
          onClick={() => {
            showSeriesOf(personId);
            navigate('series');
          }}
          data-testid="person-series"
        >
          {t('people.seriesLink')} →
        </button>
      </div>
      <div className="photo-strip" data-testid="person-photos">
        {photos.data?.photos.map((p, index) => (
          <button
            key={p.id}
            className="tile-open"
            title={p.path}
            onClick={() => openLightbox({ mode: 'view', photoIds: ids, index })}
          >
            <Thumb photoId={p.id} px={96} />
          </button>
        ))}
      </div>
    </>
  );
}

function UnknownClusters() {
  const { t } = useI18n();
  const clusters = useQuery((a) => a.people.unknown({ limit: 100 }), [], ['people', 'scan']);
  const groups = clusters.data?.filter((c) => c.faces.length > 1) ?? [];
  const singles = clusters.data?.filter((c) => c.faces.length === 1) ?? [];
  return (
    <>
      <p className="muted">{t('people.unknownHint')}</p>
      {(clusters.error || clusters.data?.length === 0) && (
        <EmptyState error={clusters.error}>{t('people.noUnknown')}</EmptyState>
      )}
      <div data-testid="unknown-clusters">
        {groups.map((c) => (
          <ClusterRow key={c.key} cluster={c} onNamed={clusters.reload} />
        ))}
        {singles.length > 0 && (
          <>
            <h3>{t('people.singleFaces', { n: singles.length })}</h3>
            {/* One face each: a compact grid, not a full-width row per face. */}
            <div className="single-faces" data-testid="single-faces">
              {singles.map((c) => (
                <ClusterRow key={c.key} cluster={c} onNamed={clusters.reload} compact />
              ))}
            </div>
          </>
        )}
      </div>
    </>
  );
}

function ClusterRow({
  cluster,
  onNamed,
  compact = false,
}: {
  cluster: UnknownCluster;
  onNamed: () => void;
  compact?: boolean;
}) {
  const { t } = useI18n();
  const { api } = useServices();
  const action = useRunner();
  const [name, setName] = useState('');
  const [excluded, setExcluded] = useState<ReadonlySet<number>>(new Set());
  const faceIds = cluster.faces.map((f) => f.id).filter((id) => !excluded.has(id));
  return (
    <div className={compact ? 'cluster compact' : 'cluster'} data-testid="cluster">
      <div className="faces">
        {cluster.faces.map((f) => (
          <FaceTile
            key={f.id}
            face={f}
            excluded={excluded.has(f.id)}
            onToggle={() =>
              setExcluded((prev) => {
                const next = new Set(prev);
                if (next.has(f.id)) next.delete(f.id);
                else next.add(f.id);
                return next;
              })
            }
          />
        ))}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() && faceIds.length > 0)
            void action
              .run(() => api.people.nameFaces({ faceIds, name: name.trim() }))
              .then((r) => r && onNamed());
        }}
      >
        <input
          value={name}
          placeholder={t('people.namePlaceholder')}
          onChange={(e) => setName(e.target.value)}
          aria-label={t('people.nameCluster')}
          data-testid="cluster-name"
        />
        <button
          type="submit"
          className="primary"
          disabled={!name.trim() || faceIds.length === 0}
          data-testid="cluster-save"
        >
          {compact ? t('people.nameOne') : t('people.nameFaces', { n: faceIds.length })}
        </button>
      </form>
      <ErrorBox error={action.error} onClose={action.clearError} />
    </div>
  );
}

const UNDO_KEY = 'sift.peopleUndo';
interface StoredUndo {
  undoId: number;
  text: string;
}

function readStoredUndo(): StoredUndo | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(UNDO_KEY) ?? 'null') as Partial<StoredUndo> | null;
    return v && typeof v.undoId === 'number' && typeof v.text === 'string'
      ? { undoId: v.undoId, text: v.text }
      : null;
  } catch {
    return null;
  }
}

/**
 * The last rename or merge of people stays undoable after a page reload: its undo id is kept for
 * this tab (the engine keeps the rows to restore, across restarts too).
 */
function usePeopleUndo(undo: (undoId: number) => Promise<unknown>): {
  offer: UndoOffer | null;
  remember: (edit: StoredUndo | null) => void;
} {
  const [stored, setStored] = useState<StoredUndo | null>(readStoredUndo);
  const remember = (edit: StoredUndo | null): void => {
    setStored(edit);
    try {
      if (edit) sessionStorage.setItem(UNDO_KEY, JSON.stringify(edit));
      else sessionStorage.removeItem(UNDO_KEY);
    } catch {
      // Storage unavailable (privacy modes): the offer lasts until the page is left, as before.
    }
  };
  return { offer: stored ? { text: stored.text, undo: () => undo(stored.undoId) } : null, remember };
}
