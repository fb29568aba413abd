/** The application shell: study browser on the left, the viewer on the right, status at the bottom. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FederatedStudy } from '../common/dicom/federation';
import type { SeriesSummary } from '../common/dicom/model';
import type { RetrieveJob } from '../common/dicom/retrieveJob';
import type { NodeHealthRow, NodeInfo } from '../common/ipc/contract';
import { AUDIT_HOTKEY, AUDIT_TEXT, AuditHotkey, AuditPanel } from './features/audit';
import { FilePanel } from './features/files';
import { KeysPanel, SettingsPanel, ShortcutsProvider } from './features/settings';
import { insecureNodeIds, JobsPanel, NodeHealthBar, StoragePanel } from './features/status';
import { hangStudy, loadBuiltInProtocols, matchPriorSeries, withUserProtocols, pickPrior, SeriesStrip, ViewerWorkspace, type Hanging } from './features/viewer';
import { StudyBrowser } from './features/worklist';
import { JUMP_TO_IMAGE_EVENT, jumpUntaken, setPendingJump, type JumpToImage } from './features/reports';
import { connectPlatform, type Platform } from './platform/platform';
import { Banner } from './ui/Banner';
import { displayPersonName, errorText, LanguageSwitch, personNameTooltip, useLanguage, useTranslation } from './ui/i18n';

type Summary = { studies: number; instances: number; bytes: number };

export function App() {
  const { t } = useTranslation();
  const language = useLanguage();
  const [platform, setPlatform] = useState<Platform>();
  const [fatal, setFatal] = useState<string>();
  const [nodes, setNodes] = useState<NodeInfo[]>([]);
  const [study, setStudy] = useState<FederatedStudy>();
  const [series, setSeries] = useState<SeriesSummary>();
  const [notice, setNotice] = useState<string>();
  /** The services' start-up alerts, until the reader dismisses them. */
  const [alertsSeen, setAlertsSeen] = useState(false);
  const [summary, setSummary] = useState<Summary>();
  const [refreshKey, setRefreshKey] = useState(0);
  const [jobs, setJobs] = useState<Map<string, RetrieveJob>>(new Map());
  const [panel, setPanel] = useState<'none' | 'files' | 'jobs' | 'storage' | 'keys' | 'audit' | 'settings'>('none');
  const [health, setHealth] = useState<NodeHealthRow[]>([]);
  const refreshTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [hanging, setHanging] = useState<Hanging>();
  /**
   * Reading mode: once a study is open the study list folds to a strip at the side and the image gets the window;
   * Ctrl+B (or the strip) brings the list back. Full screen (F11) also hides the header, the toolbars and the status
   * line: only the images and their overlays remain.
   */
  const [listFolded, setListFolded] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  /** The header's place for the viewer's layout bar in reading mode (one row of bars instead of two). */
  const [toolSlot, setToolSlot] = useState<HTMLElement | null>(null);
  /**
   * Counts what the reader asked for (select or open a study, open a series, compare with prior). An answer that
   * arrives after the reader asked for something else is dropped: a protocol looked up for the study must not
   * replace the series the reader opened while it was on its way.
   */
  const intent = useRef(0);
  const builtInProtocols = useMemo(() => loadBuiltInProtocols(), []);
  /** The reader's own hanging protocols (settings), over the built-in ones. */
  const [userProtocols, setUserProtocols] = useState<unknown[]>([]);
  const protocols = useMemo(() => withUserProtocols(builtInProtocols, userProtocols), [builtInProtocols, userProtocols]);

  useEffect(() => {
    if (protocols.errors.length) setNotice(protocols.errors.join(' '));
  }, [protocols]);

  const reloadNodes = useCallback((api: Platform['api']) => {
    api.nodes.list({}).then(setNodes, (err: Error) => setNotice(t('app.nodesFailed', { reason: errorText(t, err) })));
  }, []);

  useEffect(() => {
    connectPlatform().then(setPlatform, (err: Error) => setFatal(errorText(t, err)));
  }, []);

  useEffect(() => {
    if (!platform) return;
    const { api } = platform;
    const refreshSummary = () => api.store.summary({}).then(setSummary, () => undefined);
    void refreshSummary();
    reloadNodes(api);
    api.settings['protocols.get']({}).then((r) => setUserProtocols(r.protocols), () => undefined);
    api.retrieve.list({}).then((list) => setJobs(new Map(list.map((j) => [j.studyInstanceUid, j]))), () => undefined);
    const offStore = api.on.storeChanged(() => {
      void refreshSummary();
      // Instances arrive one by one during a retrieve: refresh the lists at most once a second.
      clearTimeout(refreshTimer.current);
      refreshTimer.current = setTimeout(() => setRefreshKey((k) => k + 1), 1000);
    });
    const offJobs = api.on.retrieveProgress((job) => setJobs((prev) => new Map(prev).set(job.studyInstanceUid, job)));
    api.nodes.health({}).then(setHealth, () => undefined);
    const offHealth = api.on.nodeHealthChanged(setHealth);
    return () => {
      offStore();
      offJobs();
      offHealth();
      clearTimeout(refreshTimer.current);
    };
  }, [platform, reloadNodes]);

  /** The settings window saved new nodes: the health bar, node kinds and the study list follow. */
  const onNodesChanged = useCallback(() => {
    if (!platform) return;
    reloadNodes(platform.api);
    platform.api.nodes.health({}).then(setHealth, () => undefined);
    setRefreshKey((k) => k + 1);
  }, [platform]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Ctrl+, (Cmd+, on a Mac) opens the settings, as in most desktop applications.
      if (e.key === ',' && (e.ctrlKey || e.metaKey) && !e.altKey) {
        e.preventDefault();
        setPanel('settings');
      }
      // Ctrl+B: the study list, folded or open (the side bar key of many desktop applications).
      if ((e.key === 'b' || e.key === 'B') && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        e.preventDefault();
        setListFolded((f) => !f);
      }
      if (e.key === 'F11') {
        e.preventDefault();
        setFullscreen((f) => !f);
      }
      if (e.key === 'Escape') setFullscreen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // The page's own full screen follows (best effort: a browser may refuse it; the bars are hidden either way), and
  // leaving the browser's full screen (its own Esc) leaves ours.
  useEffect(() => {
    if (fullscreen && !document.fullscreenElement) document.documentElement.requestFullscreen?.().catch(() => undefined);
    if (!fullscreen && document.fullscreenElement) void document.exitFullscreen?.().catch(() => undefined);
  }, [fullscreen]);
  useEffect(() => {
    const onChange = () => {
      if (!document.fullscreenElement) setFullscreen(false);
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  /** Another window for the images (Electron: on the other monitor, where it was last); in a browser, a tab. */
  const openWindow = async () => {
    if (!platform) return;
    try {
      const { opened } = await platform.api.app.openWindow({});
      if (!opened) window.open(window.location.href, '_blank', 'noopener');
    } catch (err) {
      setNotice(t('app.newWindowFailed', { reason: errorText(t, err) }));
    }
  };

  const nodeKinds = useMemo(() => new Map(nodes.map((n) => [n.id, n.kind])), [nodes]);
  const insecureNodes = useMemo(() => insecureNodeIds(nodes), [nodes]);
  /** The viewer streams over DICOMweb: from the local store or a DICOMweb node, not from DIMSE-only nodes. */
  const streamable = (s: FederatedStudy | undefined) => !!s && (s.availability.local || s.locations.some((id) => nodeKinds.get(id) === 'dicomweb'));

  const onSelectStudy = useCallback((s: FederatedStudy) => {
    intent.current++;
    setStudy(s);
    setSeries(undefined);
    setNotice(undefined);
  }, []);

  /** Enter or double-click on a study: hang it by the matching protocol (layout and series per cell). */
  const openStudy = async (s: FederatedStudy) => {
    onSelectStudy(s);
    const asked = intent.current;
    if (!platform) return;
    if (!streamable(s)) {
      setNotice(t('app.dimseOnly'));
      void platform.api.retrieve.start({ studyInstanceUid: s.studyInstanceUid }).catch((err: Error) => setNotice(t('app.retrieveFailed', { reason: errorText(t, err) })));
      return;
    }
    try {
      const list = await platform.api.studies.series({ studyInstanceUid: s.studyInstanceUid });
      if (intent.current !== asked) return;
      if (list.series.length === 0) return setNotice(t('app.noSeries'));
      setHanging(hangStudy(s, list.series, protocols.protocols));
      setListFolded(true);
      if (s.patientId) void platform.api.prefetch.studyOpened({ studyInstanceUid: s.studyInstanceUid, patientId: s.patientId }).catch(() => undefined);
    } catch (err) {
      setNotice(t('app.openFailed', { reason: errorText(t, err) }));
    }
  };

  /** The patient's most recent earlier study, its best-matching series beside the one being read. */
  const comparePrior = async (current: SeriesSummary) => {
    if (!platform || !study) return;
    if (!study.patientId) return setNotice(t('app.noPatientId'));
    const asked = ++intent.current;
    try {
      const found = await platform.api.studies.search({ patientId: study.patientId });
      if (intent.current !== asked) return;
      const prior = pickPrior(study, found.studies);
      if (!prior) return setNotice(t('app.noPrior', { patientId: study.patientId }));
      if (!streamable(prior)) {
        setNotice(t('app.priorDimseOnly', { date: prior.studyDate }));
        void platform.api.retrieve.start({ studyInstanceUid: prior.studyInstanceUid }).catch((err: Error) => setNotice(t('app.retrieveFailed', { reason: errorText(t, err) })));
        return;
      }
      const priorSeries = await platform.api.studies.series({ studyInstanceUid: prior.studyInstanceUid });
      if (intent.current !== asked) return;
      const match = matchPriorSeries(current, priorSeries.series);
      if (!match) return setNotice(t('app.priorNoMatch', { date: prior.studyDate, modality: current.modality }));
      const date = prior.studyDate.replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
      setHanging({ layout: '1x2', cells: [current, match], syncScroll: true, protocolName: 'Prior comparison', captions: [undefined, t('app.priorCaption', { date })] });
    } catch (err) {
      setNotice(t('app.priorFailed', { reason: errorText(t, err) }));
    }
  };

  // A report's image reference or a key image in a series no cell shows: open it, and the pane jumps once up.
  useEffect(() => {
    if (!platform) return;
    const onJump = (e: CustomEvent<JumpToImage>) => {
      const detail = e.detail;
      setPendingJump(detail);
      setTimeout(() => {
        if (!jumpUntaken(detail)) return;
        platform.api.studies
          .series({ studyInstanceUid: detail.studyInstanceUid })
          .then((r) => {
            const found = r.series.find((x) => x.seriesInstanceUid === detail.seriesInstanceUid);
            if (!found) return setNotice(t('app.jumpNoSeries'));
            intent.current++;
            setSeries(found);
          })
          .catch((err: Error) => setNotice(errorText(t, err)));
      }, 0);
    };
    window.addEventListener(JUMP_TO_IMAGE_EVENT, onJump);
    return () => window.removeEventListener(JUMP_TO_IMAGE_EVENT, onJump);
  }, [platform]);

  const openSeries = (s: SeriesSummary) => {
    if (!platform || !study) return;
    intent.current++;
    if (streamable(study)) {
      setSeries(s);
      setListFolded(true);
      // Reading a study is the moment to fetch its patient's priors in the background.
      if (study.patientId) void platform.api.prefetch.studyOpened({ studyInstanceUid: study.studyInstanceUid, patientId: study.patientId }).catch(() => undefined);
      return;
    }
    setNotice(t('app.dimseOnly'));
    void platform.api.retrieve.start({ studyInstanceUid: study.studyInstanceUid }).catch((err: Error) => setNotice(t('app.retrieveFailed', { reason: errorText(t, err) })));
  };

  if (fatal) return <div className="empty" role="alert">{t('app.couldNotStart', { reason: fatal })}</div>;
  if (!platform) return <div className="empty">{t('app.starting')}</div>;

  return (
    <ShortcutsProvider api={platform.api} onKeysHotkey={() => setPanel('keys')}>
    <AuditHotkey onOpen={() => setPanel('audit')} />
    <div className="app" data-reading={listFolded} data-fullscreen={fullscreen}>
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        <NodeHealthBar rows={health.length ? health : nodes.map((n) => ({ nodeId: n.id, name: n.name, state: 'unknown' as const }))} insecure={insecureNodes} />
        {listFolded ? <div className="header-tools" ref={setToolSlot} /> : null}
        <span className="header-actions">
          {(['files', 'jobs', 'storage'] as const).map((p) => (
            <button key={p} type="button" onClick={() => setPanel((cur) => (cur === p ? 'none' : p))} aria-pressed={panel === p}>
              {p === 'files' ? t('app.files') : p === 'jobs' ? `${t('app.jobs')}${[...jobs.values()].some((j) => j.state === 'running' || j.state === 'queued') ? ' ●' : ''}` : t('app.storage')}
            </button>
          ))}
          <button type="button" onClick={() => setPanel((cur) => (cur === 'keys' ? 'none' : 'keys'))} aria-pressed={panel === 'keys'} title={t('app.keysTitle')}>
            {t('app.keys')}
          </button>
          <button type="button" onClick={() => void openWindow()} title={t('app.newWindowTitle')}>
            {t('app.newWindow')}
          </button>
          <button type="button" onClick={() => setPanel((cur) => (cur === 'settings' ? 'none' : 'settings'))} aria-pressed={panel === 'settings'} title={t('app.settingsTitle')}>
            {t('app.settings')}
          </button>
          <button type="button" onClick={() => setPanel((cur) => (cur === 'audit' ? 'none' : 'audit'))} aria-pressed={panel === 'audit'} title={AUDIT_TEXT.toolbarTitle}>
            {t('app.audit')}
          </button>
          <LanguageSwitch />
        </span>
      </header>
      <main className="app-main">
        <section className="side" aria-label={t('app.studyBrowser')} data-folded={listFolded}>
          {/* One grid row for the banners (the side is banners / study browser / series strip); folded, they lie over the viewer's top. */}
          <div className="side-banners">
            {study && !listFolded ? (
              <button type="button" className="fold-list" onClick={() => setListFolded(true)} title={t('app.hideStudyList')}>
                {t('app.foldList')}
              </button>
            ) : null}
            {platform.alerts.length > 0 && !alertsSeen ? (
              <Banner kind="warn" onDismiss={() => setAlertsSeen(true)}>
                <span data-testid="startup-alerts">{platform.alerts.join(' ')}</span>
              </Banner>
            ) : null}
            {notice ? (
              <Banner kind="info" onDismiss={() => setNotice(undefined)}>
                {notice}
              </Banner>
            ) : null}
          </div>
          {listFolded ? (
            <nav className="study-strip" data-testid="study-strip" aria-label={t('app.studies')}>
              <button type="button" aria-expanded={false} title={t('app.showStudyList')} onClick={() => setListFolded(false)}>
                <span aria-hidden="true">›</span>
                <span className="study-strip-label">{t('app.studies')}</span>
              </button>
              {study ? (
                <span className="study-strip-patient" title={personNameTooltip(study.patientName)}>
                  {displayPersonName(study.patientName, language)}
                </span>
              ) : null}
            </nav>
          ) : null}
          {/* Kept mounted while folded: the search and its results are there when the list comes back. */}
          <div className="study-browser-slot" hidden={listFolded}>
            <StudyBrowser
              api={platform.api}
              selected={study?.studyInstanceUid}
              onSelect={onSelectStudy}
              onOpen={(s) => void openStudy(s)}
              jobs={jobs}
              refreshKey={refreshKey}
            />
          </div>
          {study ? (
            <SeriesStrip
              api={platform.api}
              plane={platform.dataPlane}
              studyUid={study.studyInstanceUid}
              selected={series?.seriesInstanceUid}
              thumbnails={streamable(study)}
              refreshKey={refreshKey}
              onOpen={openSeries}
            />
          ) : (
            <div />
          )}
        </section>
        <section className="viewer" aria-label={t('app.viewer')}>
          <ViewerWorkspace plane={platform.dataPlane} series={series} hanging={hanging} onComparePrior={(s) => void comparePrior(s)} toolbarSlot={listFolded ? toolSlot : null} />
          {panel === 'files' ? <FilePanel api={platform.api} plane={platform.dataPlane} onClose={() => setPanel('none')} /> : null}
          {panel === 'jobs' ? <JobsPanel api={platform.api} jobs={[...jobs.values()]} onClose={() => setPanel('none')} /> : null}
          {panel === 'keys' ? <KeysPanel onClose={() => setPanel('none')} /> : null}
          {panel === 'storage' ? <StoragePanel api={platform.api} refreshKey={refreshKey} onClose={() => setPanel('none')} /> : null}
        </section>
        {/* Over the study browser and the viewer both: the trail's table wants the width. */}
        {panel === 'audit' ? <AuditPanel api={platform.api} onClose={() => setPanel('none')} /> : null}
        {panel === 'settings' ? (
          <SettingsPanel
            api={platform.api}
            onClose={() => setPanel('none')}
            onNodesChanged={onNodesChanged}
            builtInProtocols={builtInProtocols.protocols}
            onProtocolsChanged={() => platform.api.settings['protocols.get']({}).then((r) => setUserProtocols(r.protocols), () => undefined)}
            archivePage={<StoragePanel api={platform.api} refreshKey={refreshKey} onClose={() => setPanel('none')} />}
            keysPage={<KeysPanel onClose={() => setPanel('none')} />}
          />
        ) : null}
      </main>
      <footer className="status">
        <span>{t('app.footerVersion', { version: platform.version, host: platform.host })}</span>
        {summary ? (
          <span>
            {t('app.footerArchive', { studies: summary.studies, images: summary.instances, mb: (summary.bytes / 1048576).toFixed(1) })}
          </span>
        ) : null}
        <span>{t('app.footerKeys', { audit: AUDIT_HOTKEY })}</span>
        <span>{t('app.footerReading')}</span>
      </footer>
    </div>
    </ShortcutsProvider>
  );
}
