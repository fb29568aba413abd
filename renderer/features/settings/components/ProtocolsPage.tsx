/**
 * The settings window's hanging protocols: the built-in ones and the reader's own, exported as one JSON file (to
 * share with the next workstation or edit) and imported from one (a protocol, a list, or an export). Every imported
 * protocol is checked with the viewer's own schema; the invalid ones are named with what is wrong and not saved.
 */
import { useEffect, useRef, useState } from 'react';
import type { DokueiApi } from '../../../../common/ipc/contract';
import { parseHangingProtocol, type HangingProtocol } from '../../../../common/viewer/hangingProtocols';
import { errorText, useTranslation } from '../../../ui/i18n';

export interface ProtocolsPageProps {
  api: DokueiApi;
  builtIn: readonly HangingProtocol[];
  /** Told after a save, so studies opened next are hung by the new set. */
  onChanged?: (() => void) | undefined;
}

/** The protocols a JSON file holds: one protocol, an array of them, or an export ({ protocols: [...] }). */
export function protocolsInFile(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object' && Array.isArray((json as { protocols?: unknown }).protocols)) return (json as { protocols: unknown[] }).protocols;
  return [json];
}

export function ProtocolsPage({ api, builtIn, onChanged }: ProtocolsPageProps) {
  const { t } = useTranslation();
  const [mine, setMine] = useState<HangingProtocol[]>();
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; lines: string[] }>();
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.settings['protocols.get']({}).then(
      (r) => setMine(r.protocols.map((p) => parseHangingProtocol(p)).flatMap((r) => (r.ok ? [r.protocol] : []))),
      (err: Error) => setStatus({ kind: 'error', lines: [errorText(t, err)] }),
    );
  }, [api]);

  const save = async (next: HangingProtocol[], done: string, problems: string[] = []) => {
    try {
      await api.settings['protocols.set']({ protocols: next });
      setMine(next);
      setStatus({ kind: problems.length ? 'error' : 'ok', lines: [done, ...problems] });
      onChanged?.();
    } catch (err) {
      setStatus({ kind: 'error', lines: [t('settings.protocols.saveFailed', { reason: errorText(t, err) })] });
    }
  };

  const onImport = async (file: File) => {
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (err) {
      setStatus({ kind: 'error', lines: [t('settings.protocols.notJson', { file: file.name, reason: errorText(t, err) })] });
      return;
    }
    const good: HangingProtocol[] = [];
    const problems: string[] = [];
    for (const p of protocolsInFile(json)) {
      const r = parseHangingProtocol(p);
      if (r.ok) good.push(r.protocol);
      else problems.push(r.error);
    }
    if (good.length === 0) {
      setStatus({ kind: 'error', lines: [t('settings.protocols.noneValid', { file: file.name }), ...problems] });
      return;
    }
    const ids = new Set(good.map((p) => p.id));
    await save([...(mine ?? []).filter((p) => !ids.has(p.id)), ...good], t('settings.protocols.imported', { count: good.length, file: file.name }), problems);
  };

  const onExport = () => {
    const all = { version: 1, protocols: [...(mine ?? []), ...builtIn.filter((b) => !(mine ?? []).some((m) => m.id === b.id))] };
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(all, null, 2)}\n`], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'dokuei-hanging-protocols.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };

  const mineIds = new Set((mine ?? []).map((p) => p.id));
  const rows = [...(mine ?? []).map((p) => ({ p, own: true })), ...builtIn.filter((b) => !mineIds.has(b.id)).map((p) => ({ p, own: false }))];
  return (
    <div className="settings-protocols">
      <p className="settings-help">{t('settings.protocols.help')}</p>
      <div className="file-actions">
        <button type="button" onClick={onExport}>
          {t('settings.protocols.export')}
        </button>
        {/* A real button (in tab order, with its focus ring) in front of the file input. */}
        <button type="button" onClick={() => fileInput.current?.click()}>
          {t('settings.protocols.import')}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="protocols-import"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void onImport(file);
          }}
        />
      </div>
      <div role="status" data-testid="protocols-status" className={status?.kind === 'error' ? 'field-problem' : 'muted'}>
        {status?.lines.map((l) => (
          <div key={l}>{l}</div>
        ))}
      </div>
      <table className="protocols-table">
        <thead>
          <tr>
            <th>{t('settings.protocols.name')}</th>
            <th>{t('settings.protocols.id')}</th>
            <th>{t('settings.protocols.layout')}</th>
            <th>{t('settings.protocols.priority')}</th>
            <th>{t('settings.protocols.source')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map(({ p, own }) => (
            <tr key={p.id} data-protocol-id={p.id}>
              <td>{p.name}</td>
              <td>
                <code>{p.id}</code>
              </td>
              <td>{p.layout}</td>
              <td>{p.priority}</td>
              <td>{own ? t('settings.protocols.mine') : t('settings.protocols.builtIn')}</td>
              <td>
                {own ? (
                  <button type="button" aria-label={t('settings.protocols.removeNamed', { name: p.name })} onClick={() => void save((mine ?? []).filter((m) => m.id !== p.id), t('settings.protocols.removed', { name: p.name }))}>
                    {t('settings.protocols.remove')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
