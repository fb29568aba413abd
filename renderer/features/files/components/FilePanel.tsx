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
import { dicomdirPathOf, parsePathList } from '../model/paths';
import { withConfirmedPaths } from '../model/pickedPaths';
import { DicomdirChoice, type DicomdirListing } from './DicomdirChoice';
import { DropImport } from './DropImport';

type ImportOutcome = Awaited<ReturnType<DokueiApi['store']['importPaths']>>;

/** `plane`: the data plane dropped files are sent to; without it, it is asked of the host. */
export function FilePanel({ api, plane, onClose }: { api: DokueiApi; plane: DataPlane; onClose: () => void }) {
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
      setError('Enter at least one file or folder path, one per line.');
      return;
    }
    if (what === 'dicomdir' && paths.length !== 1) {
      setError('Enter one DICOMDIR (or the folder holding it) to see what it holds.');
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
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const choose = async (folders: boolean) => {
    setError(undefined);
    try {
      const { paths } = await api.files.choose({ folders });
      if (paths.length) setText((t) => [...parsePathList(t), ...paths].join('\n'));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="file-panel" role="dialog" aria-label="Files">
      <div className="file-panel-head">
        <h2>Files on this computer</h2>
        <button type="button" onClick={onClose} aria-label="Close files panel">
          Close
        </button>
      </div>
      <DropImport plane={plane} />
      {host === 'electron' ? (
        <div className="file-choose">
          <button type="button" onClick={() => void choose(false)} disabled={busy}>
            Choose files…
          </button>
          <button type="button" onClick={() => void choose(true)} disabled={busy}>
            Choose folders…
          </button>
        </div>
      ) : null}
      <label className="paths">
        Paths (files or folders, one per line)
        <textarea name="paths" rows={4} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </label>
      <div className="file-actions">
        <button type="button" onClick={() => void run('inspect')} disabled={busy}>
          Inspect
        </button>
        <button type="button" className="primary" onClick={() => void run('import')} disabled={busy}>
          Import into the local archive
        </button>
        <button type="button" onClick={() => void run('dicomdir')} disabled={busy} title="A CD or DVD: list the studies its DICOMDIR holds, then import the ones you choose">
          Show DICOMDIR contents
        </button>
        {busy ? <span aria-live="polite">Working…</span> : null}
      </div>
      {asking ? (
        <div className="confirm-paths" role="alertdialog" aria-label="Allow reading typed paths" aria-describedby="confirm-paths-list">
          <p>Allow Dokuei to read {asking.length === 1 ? 'this path' : `these ${asking.length} paths`}? A folder includes everything in it.</p>
          <ul id="confirm-paths-list">
            {asking.map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
          <div className="file-actions">
            <button type="button" className="primary" onClick={() => answer.current?.(true)}>
              Allow reading
            </button>
            <button type="button" onClick={() => answer.current?.(false)}>
              Cancel
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
          Imported {imported.imported}, skipped {imported.skipped} already stored, {imported.failed.length} refused.
          <ul>
            {imported.failed.map((f) => (
              <li key={f.path}>
                {f.path}: {f.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {inspected ? (
        <table className="inspect-table" aria-label="Inspected files">
          <thead>
            <tr>
              <th>File</th>
              <th>Status</th>
              <th>Modality</th>
              <th>Patient</th>
              <th>Names in the file</th>
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
