/** The application shell: study browser on the left, the viewer on the right, status at the bottom. */
import { useCallback, useEffect, useState } from 'react';
import type { SeriesSummary, StudySummary } from '../common/dicom/model';
import { SeriesStrip, ViewerPane } from './features/viewer';
import { StudyList } from './features/worklist';
import { connectPlatform, type Platform } from './platform/platform';
import { Banner } from './ui/Banner';

type Summary = { studies: number; instances: number; bytes: number };

export function App() {
  const [platform, setPlatform] = useState<Platform>();
  const [fatal, setFatal] = useState<string>();
  const [study, setStudy] = useState<StudySummary>();
  const [series, setSeries] = useState<SeriesSummary>();
  const [warnings, setWarnings] = useState<string[]>([]);
  const [summary, setSummary] = useState<Summary>();
  const [refreshKey, setRefreshKey] = useState(0);

  useEffect(() => {
    connectPlatform().then(setPlatform, (err: Error) => setFatal(err.message));
  }, []);

  useEffect(() => {
    if (!platform) return;
    const refresh = () => platform.api.store.summary({}).then(setSummary, () => undefined);
    void refresh();
    return platform.api.on.storeChanged(() => {
      void refresh();
      setRefreshKey((k) => k + 1);
    });
  }, [platform]);

  const onSelectStudy = useCallback((s: StudySummary) => {
    setStudy(s);
    setSeries(undefined);
  }, []);

  if (fatal) return <div className="empty" role="alert">Dokuei could not start: {fatal}</div>;
  if (!platform) return <div className="empty">Starting Dokuei…</div>;

  return (
    <div className="app">
      <header className="app-header">
        <h1>Dokuei 読影</h1>
        <span className="sub">
          {platform.upstreams.length ? `Nodes: ${platform.upstreams.map((u) => u.name).join(', ')}` : 'Local store only (no PACS configured)'}
        </span>
      </header>
      <div className="app-main">
        <section className="side" aria-label="Study browser">
          {warnings.length ? <Banner kind="warn">{warnings.join(' · ')}</Banner> : <div />}
          <StudyList plane={platform.dataPlane} selected={study?.studyInstanceUid} onSelect={onSelectStudy} refreshKey={refreshKey} onWarnings={setWarnings} />
          {study ? (
            <SeriesStrip plane={platform.dataPlane} studyUid={study.studyInstanceUid} selected={series?.seriesInstanceUid} onOpen={setSeries} />
          ) : (
            <div />
          )}
        </section>
        <section className="viewer" aria-label="Viewer">
          <ViewerPane plane={platform.dataPlane} series={series} />
        </section>
      </div>
      <footer className="status">
        <span>Dokuei {platform.version} ({platform.host})</span>
        {summary ? (
          <span>
            Local store: {summary.studies} studies, {summary.instances} images, {(summary.bytes / 1048576).toFixed(1)} MB
          </span>
        ) : null}
        <span>Keys: ↑/↓ study · Enter open · wheel/arrows slice · left-drag W/L · right-drag zoom · R reset</span>
      </footer>
    </div>
  );
}
