/**
 * Files on this computer: inspect them (what they are, whose they are, every name decoded, sequence items
 * included) and import them into the local store, with each refused file and its reason listed. A CD's DICOMDIR
 * can be read first (its studies listed, the files the media lacks named) and only the chosen studies imported.
 *
 * The services read only paths the reader picked: chosen in the desktop app's file dialog, or typed here and
 * confirmed. A typed path the services refuse (PATH_NOT_PICKED) is put to the reader once; in the browser host
 * this panel's dialog is that confirm step, in Electron main asks in a native dialog when files.grant arrives.
 */
import { useEffect, useRef, useState } from 'react';
import type { InspectResult } from '../../../../common/dicom/inspectResult';
import type { DokueiApi } from '../../../../common/ipc/contract';
import type { DataPlane } from '../../../platform/platform';
import { errorText, saysText, useTranslation } from '../../../ui/i18n';
import { dicomdirPathOf, parsePathList } from '../model/paths';
import { withConfirmedPaths } from '../model/pickedPaths';
import { DicomdirChoice, type DicomdirListing } from './DicomdirChoice';
import { DropImport } from './DropImport';

type ImportOutcome = Awaited<ReturnType<DokueiApi['store']['importPaths']>>;

/** `plane`: the data plane dropped files are sent to; without it, it is asked of the host. */
export function FilePanel({ api, plane, onClose }: { api: DokueiApi; plane: DataPlane; onClose: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [inspected, setInspected] = useState<InspectResult[]>();
  const [imported, setImported] = useState<ImportOutcome>();
  const [listing, setListing] = useState<DicomdirListing>();
  const [host, setHost] = useState<'electron' | 'browser'>();
  /** The typed paths waiting for the reader's answer in the page's confirm dialog (browser host). */
  const [asking, setAsking] = useState<readonly string[]>();
  const answer = useRef<(allowed: boolean) => void>(undefined);

  useEffect(() => {
    let live = true;
    api.app.getInfo({}).then(
      (info) => live && setHost(info.host),
      () => live && setHost('browser'),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const confirmInPage = (paths: readonly string[]) =>
    new Promise<boolean>((resolve) => {
      answer.current = (allowed) => {
        answer.current = undefined;
        setAsking(undefined);
        resolve(allowed);
      };
      setAsking(paths);
    });

  const run = async (what: 'inspect' | 'import' | 'dicomdir', studies?: string[]) => {
    const paths = parsePathList(text);
    if (paths.length === 0) {
      setError(t('files.error.noPath'));
      return;
    }
    if (what === 'dicomdir' && paths.length !== 1) {
      setError(t('files.error.oneDicomdir'));
      return;
    }
    setBusy(true);
    setError(undefined);
    const steps = {
      // In Electron the native dialog main shows on files.grant is the confirm step: no second one here.
      confirm: host === 'electron' ? async () => true : confirmInPage,
      grant: (p: readonly string[]) => api.files.grant({ paths: [...p] }),
    };
    try {
      if (what === 'inspect') setInspected(await withConfirmedPaths(paths, () => api.files.inspect({ paths }), steps));
      else if (what === 'dicomdir') {
        const file = dicomdirPathOf(paths[0]!);
        setImported(undefined);
        setListing(await withConfirmedPaths([file], () => api.files.readDicomdir({ path: file }), steps));
      } else if (studies && listing) {
        // The chosen studies of the DICOMDIR shown.
        setImported(await withConfirmedPaths([listing.dicomdir], () => api.store.importPaths({ paths: [listing.dicomdir], studies }), steps));
      } else setImported(await withConfirmedPaths(paths, () => api.store.importPaths({ paths }), steps));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  const choose = async (folders: boolean) => {
    setError(undefined);
    try {
      const { paths } = await api.files.choose({ folders });
      if (paths.length) setText((current) => [...parsePathList(current), ...paths].join('\n'));
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  return (
    <div className="file-panel" role="dialog" aria-label={t('files.title')}>
      <div className="file-panel-head">
        <h2>{t('files.heading')}</h2>
        <button type="button" onClick={onClose} aria-label={t('files.closeLabel')}>
          {t('files.close')}
        </button>
      </div>
      <DropImport plane={plane} />
      {host === 'electron' ? (
        <div className="file-choose">
          <button type="button" onClick={() => void choose(false)} disabled={busy}>
            {t('files.chooseFiles')}
          </button>
          <button type="button" onClick={() => void choose(true)} disabled={busy}>
            {t('files.chooseFolders')}
          </button>
        </div>
      ) : null}
      <label className="paths">
        {t('files.paths')}
        <textarea name="paths" rows={4} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </label>
      <div className="file-actions">
        <button type="button" onClick={() => void run('inspect')} disabled={busy}>
          {t('files.inspect')}
        </button>
        <button type="button" className="primary" onClick={() => void run('import')} disabled={busy}>
          {t('files.import')}
        </button>
        <button type="button" onClick={() => void run('dicomdir')} disabled={busy} title={t('files.showDicomdirTitle')}>
          {t('files.showDicomdir')}
        </button>
        {busy ? <span aria-live="polite">{t('files.working')}</span> : null}
      </div>
      {asking ? (
        <div className="confirm-paths" role="alertdialog" aria-label={t('files.confirm.label')} aria-describedby="confirm-paths-list">
          <p>{t('files.confirm.question', { count: asking.length })}</p>
          <ul id="confirm-paths-list">
            {asking.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
          <div className="file-actions">
            <button type="button" className="primary" onClick={() => answer.current?.(true)}>
              {t('files.confirm.allow')}
            </button>
            <button type="button" onClick={() => answer.current?.(false)}>
              {t('files.confirm.cancel')}
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <div className="banner error" role="alert">
          {error}
        </div>
      ) : null}
      {listing ? <DicomdirChoice key={listing.dicomdir} listing={listing} busy={busy} onImport={(studies) => void run('import', studies)} /> : null}
      {imported ? (
        <div className="import-result" role="status">
          {t('files.result.imported', { imported: imported.imported, skipped: imported.skipped, refused: imported.failed.length })}
          <ul>
            {imported.failed.map((f) => (
              <li key={f.path}>
                {f.path}: {saysText(t, f.says, f.reason)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {inspected ? (
        <table className="inspect-table" aria-label={t('files.inspected.label')}>
          <thead>
            <tr>
              <th>{t('files.inspected.file')}</th>
              <th>{t('files.inspected.status')}</th>
              <th>{t('files.inspected.modality')}</th>
              <th>{t('files.inspected.patient')}</th>
              <th>{t('files.inspected.names')}</th>
            </tr>
          </thead>
          <tbody>
            {inspected.map((r) => (
              <tr key={r.file} data-file={r.file}>
                <td title={r.file}>{r.file.split(/[\\/]/).pop()}</td>
                <td className={r.ok ? 'ok' : 'error'}>{r.ok ? r.transferSyntaxUID : r.error}</td>
                <td>{r.modality ?? ''}</td>
                <td className="patient">
                  {r.patientId ?? ''} {r.patientName ?? ''}
                </td>
                <td className="names">
                  {r.personNames.map((n) => (
                    <div key={n.path} data-path={n.path}>
                      <code>{n.path}</code> {n.value}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
