/**
 * Under the measurement list: whether the study's measurements and key images are saved, the key images of the
 * study (jump to one, unmark the viewer's own), the title new key images get, CSV export, and sending the saved
 * documents to a PACS node (issue #19).
 */
import { useState } from 'react';
import { KEY_IMAGE_TITLE_IDS, type KeyImageTitle, type SavedImageRef } from '../../../../common/sr/savedMeasurements';
import { keyFor } from '../../../imaging';
import { errorText, useTranslation } from '../../../ui/i18n';
import { pacsApi, useSendTargets } from '../../pacs/useSendTargets';
import { measurementsCsv } from '../model/measurementsCsv';
import type { KeyImage, StudyReports, StudyReportsSnapshot } from '../studyReports';

export interface StudyMarksPanelProps {
  store: StudyReports;
  snapshot: StudyReportsSnapshot;
  keyTitle: KeyImageTitle;
  onKeyTitle: (title: KeyImageTitle) => void;
  /** The 1-based number of an image in the pane's stack; undefined when it is not in it. */
  imageNumber: (ref: { sopInstanceUid: string; frame?: number }) => number | undefined;
  onJump: (ref: KeyImage) => void;
}

/** Saves a text as a file the reader picks where to keep (the browser's download; Electron asks where). */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function StudyMarksPanel({ store, snapshot, keyTitle, onKeyTitle, imageNumber, onJump }: StudyMarksPanelProps) {
  const { t } = useTranslation();
  const targets = useSendTargets();
  const [sendTo, setSendTo] = useState<string>('');
  const [sendState, setSendState] = useState<{ kind: 'sending' } | { kind: 'sent'; node: string } | { kind: 'failed'; error: string }>();
  const { save } = snapshot;
  const status =
    snapshot.loadError !== undefined
      ? t('marks.loadFailed', { error: errorText(t, snapshot.loadError) })
      : save.kind === 'saving'
        ? t('marks.saving')
        : save.kind === 'pending'
          ? t('marks.pending')
          : save.kind === 'failed'
            ? t('marks.failed', { error: errorText(t, save.error) })
            : save.kind === 'saved'
              ? t('marks.saved')
              : '';
  const [exportError, setExportError] = useState<string>();
  // The file is written only once the export is in the audit trail (measurements name the study's images).
  const exportCsv = async () => {
    const fileName = `measurements-${store.studyInstanceUid}.csv`;
    const csv = measurementsCsv(snapshot.measurements);
    setExportError(undefined);
    try {
      const api = await pacsApi();
      await api.reports.csvExported({ studyInstanceUid: store.studyInstanceUid, fileName, rows: csv.split('\r\n').length - 2 });
    } catch (err) {
      setExportError(t('marks.exportFailed', { error: errorText(t, err) }));
      return;
    }
    download(fileName, csv, 'text/csv;charset=utf-8');
  };
  const node = targets.find((n) => n.id === sendTo) ?? targets[0];
  const send = async () => {
    const sops = store.ownDocuments();
    if (!node || sops.length === 0) return setSendState({ kind: 'failed', error: t('marks.nothingToSend') });
    setSendState({ kind: 'sending' });
    try {
      await store.flush();
      const api = await pacsApi();
      const r = await api.pacs.send({ nodeId: node.id, studyInstanceUid: store.studyInstanceUid, sopInstanceUids: store.ownDocuments() });
      setSendState(r.ok ? { kind: 'sent', node: node.name } : { kind: 'failed', error: r.message });
    } catch (err) {
      setSendState({ kind: 'failed', error: errorText(t, err) });
    }
  };
  const skippedReasons = [...new Set(snapshot.skipped.map((s) => s.reason))].join('; ');
  return (
    <section className="study-marks" aria-label={t('marks.keyImages')} data-testid="study-marks" data-loaded={snapshot.loaded ? 'true' : 'false'}>
      <p className={`marks-status${save.kind === 'failed' || snapshot.loadError !== undefined ? ' error' : ''}`} role="status" data-testid="marks-status" data-state={snapshot.loadError !== undefined ? 'load-failed' : save.kind}>
        {status}
        {save.kind === 'failed' ? (
          <button type="button" onClick={() => store.retry()}>
            {t('marks.retry')}
          </button>
        ) : null}
      </p>
      {snapshot.skipped.length > 0 ? <p className="muted">{t('marks.skipped', { count: snapshot.skipped.length, reasons: skippedReasons })}</p> : null}
      <h2>{t('marks.keyImages')}</h2>
      <label className="marks-title">
        {t('marks.keyTitleLabel')}{' '}
        <select value={keyTitle} onChange={(e) => onKeyTitle(e.target.value as KeyImageTitle)}>
          {KEY_IMAGE_TITLE_IDS.map((id) => (
            <option key={id} value={id}>
              {t(`marks.title.${id}`)}
            </option>
          ))}
        </select>
      </label>
      {snapshot.keyImages.length === 0 ? (
        <p className="muted">{t('marks.noKeyImages', { key: keyFor('keyImage') })}</p>
      ) : (
        <ul className="key-images" data-testid="key-images">
          {snapshot.keyImages.map((k) => {
            const n = imageNumber(k);
            const title = k.title ? t(`marks.title.${k.title}`) : k.titleText;
            return (
              <li key={`${k.own ? 'own' : 'other'}/${k.title ?? k.titleText}/${k.sopInstanceUid}/${k.frame ?? 1}`} data-testid="key-image" data-sop={k.sopInstanceUid}>
                <button type="button" className="linkish" title={t('marks.jumpTitle')} onClick={() => onJump(k)}>
                  {n !== undefined ? t('marks.keyImageItem', { title, n }) : t('marks.keyImageElsewhere', { title, series: k.seriesInstanceUid ?? k.sopInstanceUid })}
                </button>
                {k.own && k.title ? (
                  <button type="button" className="m-delete" aria-label={t('marks.unmark')} title={t('marks.unmark')} onClick={() => store.toggleKeyImage(k as SavedImageRef, k.title!)}>
                    ×
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <div className="marks-actions">
        <button
          type="button"
          title={t('marks.exportCsvTitle')}
          disabled={snapshot.measurements.length === 0}
          onClick={() => void exportCsv()}
        >
          {t('marks.exportCsv')}
        </button>
        {targets.length > 0 ? (
          <>
            <select aria-label={t('marks.sendTo')} value={node?.id ?? ''} onChange={(e) => setSendTo(e.target.value)}>
              {targets.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name}
                </option>
              ))}
            </select>
            <button type="button" title={t('marks.sendTitle')} disabled={sendState?.kind === 'sending'} onClick={() => void send()}>
              {t('marks.send')}
            </button>
          </>
        ) : null}
      </div>
      {exportError ? (
        <p role="alert" className="error" data-testid="marks-export-error">
          {exportError}
        </p>
      ) : null}
      {sendState && sendState.kind !== 'sending' ? (
        <p role="status" className={sendState.kind === 'failed' ? 'error' : undefined} data-testid="marks-send-status">
          {sendState.kind === 'sent' ? t('marks.sent', { node: sendState.node }) : t('marks.sendFailed', { error: sendState.error })}
        </p>
      ) : null}
    </section>
  );
}
