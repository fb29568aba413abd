/**
 * What a DICOMDIR holds, before anything is imported (issue #18): one row per study (patient, date, description,
 * series, images, files missing from the media), each with a checkbox; the chosen studies are imported alone.
 */
import { useState } from 'react';
import type { DokueiApi } from '../../../../common/ipc/contract';
import { useTranslation } from '../../../ui/i18n';

export type DicomdirListing = Awaited<ReturnType<DokueiApi['files']['readDicomdir']>>;

const dateOf = (d: string | undefined) => (d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : (d ?? ''));

export function DicomdirChoice({ listing, busy, onImport }: { listing: DicomdirListing; busy: boolean; onImport: (studyUids: string[]) => void }) {
  const { t } = useTranslation();
  const rows = listing.patients.flatMap((p) => p.studies.map((s) => ({ patient: p, study: s })));
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(rows.map((r) => r.study.studyInstanceUid)));
  const toggle = (uid: string) =>
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(uid)) next.delete(uid);
      else next.add(uid);
      return next;
    });
  return (
    <section className="dicomdir-choice" aria-label={t('files.dicomdir.label')}>
      <h3>
        {listing.fileSetId ? `${listing.fileSetId}: ` : ''}
        {t('files.dicomdir.summary', { patients: listing.patients.length, studies: rows.length })}
      </h3>
      {rows.length === 0 ? <p className="muted">{t('files.dicomdir.noStudy')}</p> : null}
      <table className="inspect-table">
        <thead>
          <tr>
            <th>{t('files.dicomdir.import')}</th>
            <th>{t('files.dicomdir.patient')}</th>
            <th>{t('files.dicomdir.date')}</th>
            <th>{t('files.dicomdir.study')}</th>
            <th>{t('files.dicomdir.series')}</th>
            <th>{t('files.dicomdir.images')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ patient, study }) => {
            const images = study.series.reduce((n, se) => n + se.instances.length, 0);
            const missing = study.series.reduce((n, se) => n + se.instances.filter((i) => !i.exists).length, 0);
            const label = `${patient.patientId} ${study.studyDescription ?? ''} ${dateOf(study.studyDate)}`.trim();
            return (
              <tr key={study.studyInstanceUid} data-study-uid={study.studyInstanceUid}>
                <td>
                  <input type="checkbox" checked={chosen.has(study.studyInstanceUid)} onChange={() => toggle(study.studyInstanceUid)} aria-label={t('files.dicomdir.importStudy', { label })} />
                </td>
                <td>
                  {patient.patientId} {patient.patientName.replace(/\^/g, ' ')}
                </td>
                <td>{dateOf(study.studyDate)}</td>
                <td>{study.studyDescription ?? ''}</td>
                <td>{study.series.map((se) => se.modality || '?').join(', ')}</td>
                <td className={missing ? 'error' : undefined}>
                  {images}
                  {missing ? ` ${t('files.dicomdir.missing', { missing })}` : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {listing.missing.length ? (
        <div className="banner error" role="status" data-testid="dicomdir-missing">
          {t('files.dicomdir.notOnMedia', { count: listing.missing.length, files: listing.missing.join(', ') })}
        </div>
      ) : null}
      {listing.warnings.map((w) => (
        <p key={w} className="muted">
          {w}
        </p>
      ))}
      <div className="file-actions">
        <button type="button" className="primary" disabled={busy || chosen.size === 0} onClick={() => onImport([...chosen])}>
          {t('files.dicomdir.importChosen', { count: chosen.size })}
        </button>
      </div>
    </section>
  );
}
