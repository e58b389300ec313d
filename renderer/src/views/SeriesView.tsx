/** Series by person and by time; a series page explains why its photos belong together. */
import { useState } from 'react';
import type { SeriesSummary } from '../../../src/common/contract/types';
import { useQuery } from '../api';
import { EmptyState, ErrorBox, Thumb } from '../components/common';
import { VirtualGrid } from '../components/VirtualGrid';
import { useI18n } from '../i18n';
import { usePaged } from '../paged';
import { useAppState } from '../state';
import { seriesExplanation, seriesTitleParts, seriesTitleText, shotReasonsText } from '../texts';

export function SeriesView() {
  const [openId, setOpenId] = useState<number | null>(null);
  return (
    <section className="view fill" data-testid="view-series">
      {openId === null ? (
        <SeriesList onOpen={setOpenId} />
      ) : (
        <SeriesPage id={openId} onBack={() => setOpenId(null)} />
      )}
    </section>
  );
}

function SeriesList({ onOpen }: { onOpen: (id: number) => void }) {
  const { t, locale } = useI18n();
  const { seriesPerson } = useAppState();
  const [personId, setPersonId] = useState<number | null>(seriesPerson);
  const people = useQuery((a) => a.people.list({}), [], ['people']);
  const series = usePaged<SeriesSummary>(
    async (a, offset, limit) => {
      const r = await a.series.list({ offset, limit, ...(personId === null ? {} : { personId }) });
      return { total: r.total, items: r.series };
    },
    [personId],
    ['scan', 'people', 'trash', 'undo', 'folders'],
    200,
  );
  const nameOf = (id: number): string =>
    people.data?.find((p) => p.id === id)?.name ?? `${t('people.unnamed')} #${id}`;

  return (
    <>
      <header className="view-head">
        <h1>
          {t('series.title')}{' '}
          {series.total !== null && <span className="muted">({series.total.toLocaleString()})</span>}
        </h1>
        <label>
          {t('series.byPerson')}{' '}
          <select
            value={personId ?? ''}
            onChange={(e) => setPersonId(e.target.value ? Number(e.target.value) : null)}
            data-testid="series-person"
          >
            <option value="">{t('series.allByTime')}</option>
            {people.data?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name ?? `${t('people.unnamed')} #${p.id}`}
              </option>
            ))}
          </select>
        </label>
      </header>
      {series.total === 0 && <EmptyState error={series.error}>{t('series.empty')}</EmptyState>}
      <VirtualGrid
        testId="series-list"
        count={series.total ?? 0}
        cellWidth={250}
        cellHeight={250}
        onRange={series.ensure}
        renderCell={(i) => {
          const s = series.get(i);
          if (!s) return <div className="card placeholder" />;
          const parts = seriesTitleParts(s, nameOf, t, locale);
          return (
            <button
              className="card series-card"
              onClick={() => onOpen(s.id)}
              title={seriesTitleText(s, nameOf, t, locale)}
              data-testid="series"
              data-series-id={s.id}
            >
              {s.cover ? <Thumb photoId={s.cover.id} px={160} /> : <div className="thumb placeholder" />}
              <div className="card-title" data-testid="series-who">
                {parts?.who ?? s.title}
              </div>
              {parts && (
                <div
                  className="muted small card-when"
                  data-testid="series-when"
                  title={[parts.when, parts.count].filter(Boolean).join(' · ')}
                >
                  {[parts.when, parts.count].filter(Boolean).join(' · ')}
                </div>
              )}
            </button>
          );
        }}
      />
    </>
  );
}

function SeriesPage({ id, onBack }: { id: number; onBack: () => void }) {
  const { t, locale } = useI18n();
  const { addToBasket, basket, toggleBasket, openLightbox } = useAppState();
  const series = useQuery((a) => a.series.get({ id }), [id], ['scan', 'trash', 'undo']);
  const people = useQuery((a) => a.people.list({}), [], ['people']);
  const nameOf = (personId: number, stored: string | null = null): string =>
    people.data?.find((p) => p.id === personId)?.name ?? stored ?? `${t('people.unnamed')} #${personId}`;
  const s = series.data;
  const redundant = s?.shots.filter((x) => x.redundant).map((x) => x.id) ?? [];
  const shots = s ? [...s.shots].sort((a, b) => Number(b.best) - Number(a.best)) : [];
  const best = shots.find((x) => x.best);
  // The best shot beside the shots most like it: the ones the series calls redundant first.
  const compareIds = [
    ...(best ? [best.id] : []),
    ...shots.filter((x) => !x.best && x.redundant).map((x) => x.id),
    ...shots.filter((x) => !x.best && !x.redundant).map((x) => x.id),
  ].slice(0, 4);
  return (
    <div data-testid="series-page">
      <button className="link" onClick={onBack} data-testid="back">
        ← {t('common.back')}
      </button>
      <ErrorBox error={series.error} />
      {s && (
        <>
          <header className="view-head">
            <h1 data-testid="series-title">{seriesTitleText(s, nameOf, t, locale)}</h1>
            <button
              disabled={compareIds.length < 2}
              onClick={() => openLightbox({ mode: 'compare', photoIds: compareIds, keeperId: best?.id })}
              data-testid="series-compare"
            >
              {t('series.compare', { n: compareIds.length })}
            </button>
            <button
              className="danger"
              disabled={redundant.length === 0}
              onClick={() => addToBasket(redundant)}
              data-testid="mark-redundant"
            >
              {t('series.markRedundant', { n: redundant.length })}
            </button>
          </header>
          <h2>{t('series.why')}</h2>
          <ul className="reasons-list" data-testid="series-reasons">
            {seriesExplanation(s.reasons, nameOf, t, locale).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <div className="shots" data-testid="shots">
            {shots.map((shot, index) => (
              <div
                key={shot.id}
                className={`shot ${shot.best ? 'best' : ''} ${shot.redundant ? 'redundant' : ''} ${basket.has(shot.id) ? 'marked' : ''}`}
                data-testid="shot"
              >
                <button
                  className="tile-open"
                  onClick={() => openLightbox({ mode: 'view', photoIds: shots.map((x) => x.id), index })}
                  title={shot.path}
                  data-testid="shot-open"
                >
                  <Thumb photoId={shot.id} px={180} />
                </button>
                <div className="row">
                  <label className="small">
                    <input
                      type="checkbox"
                      checked={basket.has(shot.id)}
                      onChange={() => toggleBasket(shot.id)}
                      data-testid="shot-select"
                    />{' '}
                    {t('photos.select')}
                  </label>
                </div>
                <div className="row">
                  {shot.best && <span className="tag keep">{t('series.best')}</span>}
                  {shot.redundant && <span className="tag danger">{t('series.redundant')}</span>}
                </div>
                {shot.why.length > 0 && (
                  // The score is a number only Sift can read: it stays on hover, the reasons say it in words.
                  <div
                    className="muted small"
                    title={`${t('series.score')} ${shot.score.toFixed(2)}`}
                    data-testid="shot-reasons"
                  >
                    {shotReasonsText(shot.why, (pid) => nameOf(pid), t)}
                  </div>
                )}
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
