/** Opens one series: loads its metadata over the data plane, orders it, and shows it with overlays. */
import { useEffect, useRef, useState } from 'react';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { StackViewport, stackEntries, sortInstancesForStack, type CineState, type Measurement, type StackEntry, type StackTool, type StackViewportHandle, type ViewState } from '../../../imaging';
import { MeasurementList } from './MeasurementList';
import { StackOverlay } from './StackOverlay';
import { StackToolbar } from './StackToolbar';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';

export interface ViewerPaneProps {
  plane: DataPlane;
  series?: SeriesSummary;
  /** Viewport label (screen readers, test hook key): unique per page when several panes are shown. */
  label?: string;
}

export function ViewerPane({ plane, series, label = 'Main viewport' }: ViewerPaneProps) {
  const [entries, setEntries] = useState<StackEntry[]>();
  const [error, setError] = useState<string>();
  const [view, setView] = useState<ViewState>();
  const [tool, setTool] = useState<StackTool>('WindowLevel');
  const [cine, setCine] = useState<CineState>({ playing: false, fps: 10 });
  const [measurements, setMeasurements] = useState<Measurement[]>([]);
  const viewport = useRef<StackViewportHandle>(null);

  useEffect(() => {
    if (!series) return;
    const ctl = new AbortController();
    setEntries(undefined);
    setError(undefined);
    setView(undefined);
    setMeasurements([]);
    setCine((c) => ({ ...c, playing: false }));
    getDicomJson(plane, dicomwebPath.seriesMetadata(series.studyInstanceUid, series.seriesInstanceUid), ctl.signal)
      .then((a) => {
        const list = stackEntries(plane.baseUrl, sortInstancesForStack(a.items));
        if (list.length === 0) throw new Error('The series has no images');
        setEntries(list);
      })
      .catch((err: Error) => err.name !== 'AbortError' && setError(err.message));
    return () => ctl.abort();
  }, [plane, series]);

  if (!series) return <div className="empty">Select a study, then a series to open it.</div>;
  if (error) return <div className="empty" role="alert">Could not open the series: {error}</div>;
  if (!entries) return <div className="empty">Loading series…</div>;

  const first = entries[0]!.metadata;
  const current = entries[view?.index ?? 0]?.metadata ?? first;
  return (
    <div className="stack-pane">
      <StackToolbar tool={tool} onTool={setTool} cine={cine} onCine={setCine} view={view} onAction={(a) => viewport.current?.run(a)} />
      <div className="stack-body">
        <div className="stack-canvas">
          <StackViewport
            ref={viewport}
            entries={entries}
            dataPlaneHeaders={plane.headers}
            tool={tool}
            onToolChange={setTool}
            cine={cine}
            onCineChange={setCine}
            onViewState={setView}
            onMeasurements={setMeasurements}
            onError={setError}
            label={label}
          />
          <StackOverlay first={first} current={current} view={view} />
        </div>
        <MeasurementList measurements={measurements} onDelete={(uid) => viewport.current?.deleteMeasurement(uid)} />
      </div>
    </div>
  );
}
