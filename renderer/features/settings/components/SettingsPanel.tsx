/**
 * The settings window (a panel over the app, the same in Electron and the browser host): PACS nodes (add, edit,
 * remove, reorder, test), this workstation's DICOM identity (local SCP), the archive, the language and the viewer
 * keys. Every change to the nodes is saved at once through settings.nodes.save, which stores typed passwords in the
 * secret store (never settings.json) and applies the nodes without a restart.
 */
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { DokueiApi, NodeSettingsState, NodeTestResult } from '../../../../common/ipc/contract';
import type { NodeSettings } from '../../../../common/settings/nodeSettings';
import { AeTitle, NodeSettings as NodeSettingsSchema } from '../../../../common/settings/nodeSettings';
import { errorText, LanguageSwitch, useTranslation } from '../../../ui/i18n';
import { draftOf, draftProblems, effectiveId, newDraft, nodeInput, typedSecrets, type NodeDraft } from '../model/nodeDraft';
import { NodeEditor, NodeTestSteps } from './NodeEditor';
import { PrefetchPage } from './PrefetchPage';
import { ProtocolsPage } from './ProtocolsPage';
import type { HangingProtocol } from '../../../../common/viewer/hangingProtocols';

export type SettingsPage = 'nodes' | 'archive' | 'prefetch' | 'protocols' | 'language' | 'keys';

export interface SettingsPanelProps {
  api: DokueiApi;
  onClose(): void;
  /** The archive page (location and quota): the storage feature's panel, given by the app. */
  archivePage: ReactNode;
  /** The viewer keys page. */
  keysPage: ReactNode;
  /** Told when the nodes change, so the study browser and health bar list the new ones. */
  onNodesChanged?(): void;
  /** The built-in hanging protocols (the viewer's), listed and exported beside the reader's own. */
  builtInProtocols: readonly HangingProtocol[];
  /** Told when the reader's hanging protocols change. */
  onProtocolsChanged?(): void;
  initialPage?: SettingsPage;
}

interface Editing {
  /** Index in the list, or -1 for a new node. */
  index: number;
  draft: NodeDraft;
}

export function SettingsPanel(props: SettingsPanelProps) {
  const { t } = useTranslation();
  const [page, setPage] = useState<SettingsPage>(props.initialPage ?? 'nodes');
  const pages: SettingsPage[] = ['nodes', 'archive', 'prefetch', 'protocols', 'language', 'keys'];
  const onTabKey = (e: React.KeyboardEvent) => {
    const i = pages.indexOf(page);
    const next = e.key === 'ArrowRight' ? pages[(i + 1) % pages.length] : e.key === 'ArrowLeft' ? pages[(i + pages.length - 1) % pages.length] : undefined;
    if (!next) return;
    e.preventDefault();
    setPage(next);
    document.getElementById(`settings-tab-${next}`)?.focus();
  };
  return (
    <div
      className="file-panel settings-panel"
      role="dialog"
      aria-label={t('settings.title')}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && page !== 'keys') props.onClose();
      }}
    >
      <div className="file-panel-head">
        <h2>{t('settings.title')}</h2>
        <button type="button" onClick={props.onClose}>
          {t('settings.close')}
        </button>
      </div>
      <div className="settings-tabs" role="tablist" aria-label={t('settings.title')} onKeyDown={onTabKey}>
        {pages.map((p) => (
          <button key={p} id={`settings-tab-${p}`} type="button" role="tab" aria-selected={page === p} aria-controls={`settings-page-${p}`} tabIndex={page === p ? 0 : -1} onClick={() => setPage(p)}>
            {t(`settings.page.${p}`)}
          </button>
        ))}
      </div>
      <div className="settings-page" role="tabpanel" id={`settings-page-${page}`} aria-labelledby={`settings-tab-${page}`}>
        {page === 'nodes' ? <NodesPage api={props.api} onNodesChanged={props.onNodesChanged} /> : null}
        {page === 'archive' ? <div className="settings-embedded">{props.archivePage}</div> : null}
        {page === 'prefetch' ? <PrefetchPage api={props.api} /> : null}
        {page === 'protocols' ? <ProtocolsPage api={props.api} builtIn={props.builtInProtocols} onChanged={props.onProtocolsChanged} /> : null}
        {page === 'language' ? (
          <div className="settings-language">
            <p>{t('settings.language.help')}</p>
            <LanguageSwitch />
          </div>
        ) : null}
        {page === 'keys' ? <div className="settings-embedded">{props.keysPage}</div> : null}
      </div>
    </div>
  );
}

function NodesPage({ api, onNodesChanged }: { api: DokueiApi; onNodesChanged?: (() => void) | undefined }) {
  const { t } = useTranslation();
  const [state, setState] = useState<NodeSettingsState>();
  const [loadError, setLoadError] = useState<string>();
  const [editing, setEditing] = useState<Editing>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [tests, setTests] = useState<Map<string, NodeTestResult>>(new Map());
  const [editorTest, setEditorTest] = useState<NodeTestResult>();
  const [removing, setRemoving] = useState<string>();
  const [scp, setScp] = useState<{ aeTitle: string; port: string }>();

  useEffect(() => {
    api.settings['nodes.get']({}).then(
      (s) => {
        setState(s);
        setScp({ aeTitle: s.localScp.aeTitle, port: String(s.localScp.port) });
      },
      (err: Error) => setLoadError(errorText(t, err)),
    );
  }, [api]);

  const save = useCallback(
    async (nodes: NodeSettings[], secrets: Record<string, string> = {}, localScp?: { aeTitle: string; port: number }, done?: string) => {
      setBusy(true);
      setStatus(undefined);
      try {
        const next = await api.settings['nodes.save']({ nodes, secrets, ...(localScp ? { localScp } : {}) });
        setState(next);
        setStatus({ kind: 'ok', text: [done ?? t('settings.nodes.saved'), ...next.notices].join(' ') });
        onNodesChanged?.();
        return true;
      } catch (err) {
        setStatus({ kind: 'error', text: t('settings.nodes.saveFailed', { reason: errorText(t, err) }) });
        return false;
      } finally {
        setBusy(false);
      }
    },
    [api, onNodesChanged, t],
  );

  const nodes = state?.nodes ?? [];
  const others = useMemo(() => (editing ? nodes.filter((_, i) => i !== editing.index) : nodes), [nodes, editing]);
  const editId = editing ? effectiveId(editing.draft, new Set(others.map((n) => n.id))) : '';
  const problems = editing && state ? draftProblems(editing.draft, editId, others, state.secretsStored) : {};
  const parsedEditing = (): NodeSettings | undefined => {
    if (!editing) return undefined;
    // Parsed, not cast: the node sent is the one the services' schema (with its defaults) makes of the draft.
    const parsed = NodeSettingsSchema.safeParse(nodeInput(editing.draft, editId));
    return parsed.success ? parsed.data : undefined;
  };

  const onSaveNode = async () => {
    const node = parsedEditing();
    if (!editing || !node) return;
    const list = editing.index < 0 ? [...nodes, node] : nodes.map((n, i) => (i === editing.index ? node : n));
    const ok = await save(list, typedSecrets(editing.draft, node), undefined, t('settings.nodes.savedNode', { name: node.name }));
    if (ok) {
      setEditing(undefined);
      setEditorTest(undefined);
    }
  };

  const runTest = async (node: NodeSettings, secrets: Record<string, string>, key: string | undefined) => {
    setBusy(true);
    setStatus(undefined);
    try {
      const result = await api.settings['nodes.test']({ node, secrets });
      if (key) setTests((m) => new Map(m).set(key, result));
      else setEditorTest(result);
    } catch (err) {
      setStatus({ kind: 'error', text: t('settings.test.failed', { reason: errorText(t, err) }) });
    } finally {
      setBusy(false);
    }
  };

  const move = (i: number, by: number) => {
    const j = i + by;
    if (j < 0 || j >= nodes.length) return;
    const list = [...nodes];
    [list[i], list[j]] = [list[j]!, list[i]!];
    void save(list, {}, undefined, t('settings.nodes.reordered'));
  };

  if (loadError) return <div className="banner error" role="alert">{t('settings.nodes.loadFailed', { reason: loadError })}</div>;
  if (!state || !scp) return <p>{t('settings.loading')}</p>;
  const scpProblem = !AeTitle.safeParse(scp.aeTitle).success ? t('settings.problem.aeRule') : !/^\d+$/.test(scp.port) || Number(scp.port) > 65535 ? t('settings.problem.port') : undefined;

  return (
    <div className="settings-nodes">
      <p className="settings-help">{t('settings.nodes.help', { file: state.settingsFile ?? t('settings.nodes.inMemory') })}</p>
      <div className="file-actions">
        <button type="button" disabled={busy || !!editing} onClick={() => setEditing({ index: -1, draft: newDraft('dicomweb') })}>
          {t('settings.nodes.addDicomweb')}
        </button>
        <button type="button" disabled={busy || !!editing} onClick={() => setEditing({ index: -1, draft: newDraft('dimse') })}>
          {t('settings.nodes.addDimse')}
        </button>
        <span role="status" data-testid="settings-status" className={status?.kind === 'error' ? 'field-problem' : 'muted'}>
          {status?.text ?? ''}
        </span>
      </div>
      {nodes.length === 0 ? <p className="muted">{t('settings.nodes.none')}</p> : null}
      <ol className="node-list" aria-label={t('settings.nodes.listLabel')}>
        {nodes.map((n, i) => (
          <li key={n.id} data-node-id={n.id}>
            <div className="node-row">
              <span className="node-name">
                <strong>{n.name}</strong> <span className="muted">{n.kind === 'dicomweb' ? n.url : `${n.calledAeTitle}@${n.host}:${n.port} · ${n.retrieve}`}</span>
              </span>
              <span className="chip">{t(`settings.role.${n.role}`)}</span>
              <span className="chip">{t('settings.nodes.priorityChip', { priority: n.priority })}</span>
              {!n.enabled ? <span className="chip">{t('settings.nodes.disabled')}</span> : null}
              <span className="node-actions">
                <button type="button" disabled={busy || !!editing} onClick={() => void runTest(n, {}, n.id)} aria-label={t('settings.nodes.testNamed', { name: n.name })}>
                  {t('settings.nodes.test')}
                </button>
                <button type="button" disabled={busy || !!editing} onClick={() => setEditing({ index: i, draft: draftOf(n) })} aria-label={t('settings.nodes.editNamed', { name: n.name })}>
                  {t('settings.nodes.edit')}
                </button>
                <button type="button" disabled={busy || i === 0} onClick={() => move(i, -1)} aria-label={t('settings.nodes.upNamed', { name: n.name })}>
                  ↑
                </button>
                <button type="button" disabled={busy || i === nodes.length - 1} onClick={() => move(i, 1)} aria-label={t('settings.nodes.downNamed', { name: n.name })}>
                  ↓
                </button>
                {removing === n.id ? (
                  <button type="button" className="danger" disabled={busy} onClick={() => void save(nodes.filter((x) => x.id !== n.id), {}, undefined, t('settings.nodes.removed', { name: n.name })).then(() => setRemoving(undefined))}>
                    {t('settings.nodes.confirmRemove', { name: n.name })}
                  </button>
                ) : (
                  <button type="button" disabled={busy || !!editing} onClick={() => setRemoving(n.id)} aria-label={t('settings.nodes.removeNamed', { name: n.name })}>
                    {t('settings.nodes.remove')}
                  </button>
                )}
              </span>
            </div>
            {tests.get(n.id) ? <NodeTestSteps result={tests.get(n.id)!} /> : null}
          </li>
        ))}
      </ol>
      {editing ? (
        <NodeEditor
          draft={editing.draft}
          id={editId}
          problems={problems}
          isNew={editing.index < 0}
          busy={busy}
          secretStored={!!state.secretsStored[editing.draft.secretRef]}
          clientKeyStored={!!state.secretsStored[editing.draft.clientKeySecretRef]}
          testResult={editorTest}
          onChange={(draft) => setEditing({ ...editing, draft })}
          onSave={() => void onSaveNode()}
          onTest={() => {
            const node = parsedEditing();
            if (node) void runTest(node, typedSecrets(editing.draft, node), undefined);
          }}
          onCancel={() => {
            setEditing(undefined);
            setEditorTest(undefined);
          }}
        />
      ) : null}
      <section className="settings-scp" aria-labelledby="settings-scp-title">
        <h3 id="settings-scp-title">{t('settings.scp.title')}</h3>
        <p className="settings-help">{t('settings.scp.help')}</p>
        <div className="field-grid">
          <div className="field">
            <label htmlFor="settings-scp-ae">{t('settings.scp.aeTitle')}</label>
            <input id="settings-scp-ae" value={scp.aeTitle} aria-invalid={!!scpProblem && !AeTitle.safeParse(scp.aeTitle).success} onChange={(e) => setScp({ ...scp, aeTitle: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="settings-scp-port">{t('settings.scp.port')}</label>
            <input id="settings-scp-port" type="number" value={scp.port} onChange={(e) => setScp({ ...scp, port: e.target.value })} />
          </div>
        </div>
        <div className="file-actions">
          <button type="button" disabled={busy || !!scpProblem} onClick={() => void save(nodes, {}, { aeTitle: scp.aeTitle, port: Number(scp.port) }, t('settings.scp.saved'))}>
            {t('settings.scp.save')}
          </button>
          {scpProblem ? <span className="field-problem">{scpProblem}</span> : null}
        </div>
      </section>
    </div>
  );
}

