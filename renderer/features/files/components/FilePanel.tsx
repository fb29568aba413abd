/**
 * Files on this computer: inspect them (what they are, whose they are, every name decoded, sequence items
 * included) and import them into the local store, with each refused file and its reason listed.
 */
import { useState } from 'react';
import type { InspectResult } from '../../../../common/dicom/inspectResult';
import type { DokueiApi } from '../../../../common/ipc/contract';
import type { DataPlane } from '../../../platform/platform';
import { parsePathList } from '../model/paths';
import { DropImport } from './DropImport';

type ImportOutcome = Awaited<ReturnType<DokueiApi['store']['importPaths']>>;

/** `plane`: the data plane dropped files are sent to; without it, it is asked of the host. */
export function FilePanel({ api, plane, onClose }: { api: DokueiApi; plane: DataPlane; onClose: () => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [inspected, setInspected] = useState<InspectResult[]>();
  const [imported, setImported] = useState<ImportOutcome>();

  const run = async (what: 'inspect' | 'import') => {
    const paths = parsePathList(text);
    if (paths.length === 0) {
      setError('Enter at least one file or folder path, one per line.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      if (what === 'inspect') setInspected(await api.files.inspect({ paths }));
      else setImported(await api.store.importPaths({ paths }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
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
        {busy ? <span aria-live="polite">Working…</span> : null}
      </div>
      {error ? (
        <div className="banner error" role="alert">
          {error}
        </div>
      ) : null}
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
