/** Opens one series: loads its metadata over the data plane, orders it, and shows it with overlays. */
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
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
  /** A line above the overlays, e.g. "Prior 2019-03-02". */
  caption?: string;
  /** The shown slice index, whenever it changes (synchronized scrolling). */
  onIndexChange?: (index: number) => void;
  ref?: Ref<ViewerPaneHandle>;
}

/** What the workspace may ask of a pane. */
export interface ViewerPaneHandle {
  scroll(delta: number): void;
}

export function ViewerPane({ plane, series, label = 'Main viewport', caption, onIndexChange, ref }: ViewerPaneProps) {
  const [entries, setEntries] = useState<StackEntry[]>();
  const [error, setError] = useState<string>();
  const [view, setView] = useState<ViewState>();
  const [tool, setTool] = useState<StackTool>('WindowLevel');
  const [cine, setCine] = useState<CineState>({ playing: false, fps: 10 });
  const [measurements, setMeasurements] = useState<Measurement[]>([]);
  const viewport = useRef<StackViewportHandle>(null);
  useImperativeHandle(ref, () => ({ scroll: (delta: number) => viewport.current?.run({ kind: 'scroll', delta }) }), []);
  const indexListener = useRef(onIndexChange);
  indexListener.current = onIndexChange;
  const lastReported = useRef<number | undefined>(undefined);
  const onViewState = (v: ViewState) => {
    setView(v);
    if (v.index !== lastReported.current) {
      lastReported.current = v.index;
      indexListener.current?.(v.index);
    }
  };

  useEffect(() => {
    if (!series) return;
    const ctl = new AbortController();
    setEntries(undefined);
    setError(undefined);
    setView(undefined);
    lastReported.current = undefined;
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
            onViewState={onViewState}
            onMeasurements={setMeasurements}
            onError={setError}
            label={label}
          />
          <StackOverlay first={first} current={current} view={view} />
          {caption ? <div className="pane-caption">{caption}</div> : null}
        </div>
        <MeasurementList measurements={measurements} onDelete={(uid) => viewport.current?.deleteMeasurement(uid)} />
      </div>
    </div>
  );
}
