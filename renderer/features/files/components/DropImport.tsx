/**
 * Import by dropping files (anywhere on the window while the Files panel is open) or choosing them with a
 * file input (for keyboard users). Bytes go to the data plane's STOW-RS endpoint in batches, never over IPC.
 */
import { useEffect, useRef, useState } from 'react';
import { postStow } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { errorText, useTranslation } from '../../../ui/i18n';
import { importDropped, type DropImportResult } from '../model/dropImport';

/** Files of a drop, folders walked (Chromium's entries API), in a stable order. */
async function filesOfDrop(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items].map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  if (entries.length === 0 || entries.some((e) => !e)) return [...dt.files];
  const out: File[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      out.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const e of batch.sort((a, b) => a.name.localeCompare(b.name))) await walk(e);
    }
  };
  for (const e of entries) await walk(e!);
  return out;
}

/** The model's own reasons (dropImport.ts, in English) as keys; any other reason (the gateway's) is shown as it came. */
const MODEL_REASONS = new Map([
  ['Empty file (or a folder): nothing to import', 'files.drop.reason.empty'],
  ['Refused', 'files.drop.reason.refused'],
]);

export function DropImport({ plane }: { plane: DataPlane }) {
  const { t } = useTranslation();
  const reasonText = (reason: string) => {
    const key = MODEL_REASONS.get(reason);
    if (key) return t(key);
    const http = /^Not imported \(HTTP (\d+)\)$/.exec(reason);
    return http ? t('files.drop.reason.notImported', { status: http[1] }) : reason;
  };
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [result, setResult] = useState<DropImportResult>();
  const [error, setError] = useState<string>();
  const [over, setOver] = useState(false);
  const busy = useRef(false);

  const importFiles = async (files: File[]) => {
    if (busy.current || files.length === 0) return;
    busy.current = true;
    setError(undefined);
    setResult(undefined);
    try {
      const dp = plane;
      setResult(await importDropped(files, (batch) => postStow(dp, batch), (sent, total) => setProgress({ sent, total })));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      busy.current = false;
    }
  };
  const importRef = useRef(importFiles);
  importRef.current = importFiles;

  useEffect(() => {
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!e.relatedTarget) setOver(false);
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e) || !e.dataTransfer) return;
      e.preventDefault();
      setOver(false);
      void filesOfDrop(e.dataTransfer).then((files) => importRef.current(files), (err: Error) => setError(errorText(t, err)));
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  return (
    <section className={`drop-import${over ? ' over' : ''}`} aria-label={t('files.drop.label')}>
      <p>
        {t('files.drop.intro')}{' '}
        <label className="drop-choose">
          {t('files.drop.chooseFiles')}
          <input
            type="file"
            name="dropFiles"
            multiple
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void importFiles(files);
            }}
          />
        </label>{' '}
        {t('files.drop.or')}{' '}
        <label className="drop-choose">
          {t('files.drop.folder')}
          <input
            type="file"
            name="dropFolder"
            // A whole folder (a CD's contents) in the browser; React does not know the attribute, so it is set here.
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            multiple
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              void importFiles(files);
            }}
          />
        </label>
      </p>
      {progress ? (
        <div className="drop-progress" aria-live="polite">
          {t(progress.sent < progress.total ? 'files.drop.sending' : 'files.drop.sent', { sent: progress.sent, total: progress.total })}
        </div>
      ) : null}
      {error ? (
        <div className="banner error" role="alert">
          {error}
        </div>
      ) : null}
      {result ? (
        <div className="import-result drop-result" role="status">
          {t('files.drop.result', { imported: result.imported, duplicates: result.duplicates, refused: result.failed.length })}
          <ul>
            {result.failed.map((f, i) => (
              <li key={`${i}-${f.name}`} data-file={f.name}>
                {f.name}: {reasonText(f.reason)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
