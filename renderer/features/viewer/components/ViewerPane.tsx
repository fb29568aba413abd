/** Opens one series: loads its metadata over the data plane, orders it, and shows it with overlays. */
import { useEffect, useState } from 'react';
import { formatDicomDate, formatPersonName, getPersonName, getString } from '../../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { Tag } from '../../../../common/dicom/tags';
import { StackViewport, stackEntries, sortInstancesForStack, type StackEntry, type ViewState } from '../../../imaging';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';

export interface ViewerPaneProps {
  plane: DataPlane;
  series?: SeriesSummary;
}

export function ViewerPane({ plane, series }: ViewerPaneProps) {
  const [entries, setEntries] = useState<StackEntry[]>();
  const [error, setError] = useState<string>();
  const [view, setView] = useState<ViewState>();

  useEffect(() => {
    if (!series) return;
    const ctl = new AbortController();
    setEntries(undefined);
    setError(undefined);
    setView(undefined);
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
    <>
      <StackViewport entries={entries} dataPlaneHeaders={plane.headers} onViewState={setView} onError={setError} label="Main viewport" />
      <div className="overlay tl">
        <div>{formatPersonName(getPersonName(first, Tag.PatientName)) || '(no name)'}</div>
        <div>ID {getString(first, Tag.PatientID) ?? ''}</div>
        <div>{formatDicomDate(getString(first, Tag.StudyDate))}</div>
      </div>
      <div className="overlay tr">
        <div>{getString(first, Tag.Modality)} · Series {getString(first, Tag.SeriesNumber) ?? ''}</div>
        <div>{getString(first, Tag.SeriesDescription) ?? ''}</div>
        <div>Pos {getString(current, '00201041') ?? ''}</div>
      </div>
      <div className="overlay bl" data-testid="overlay-slice">
        {view ? `Im ${view.index + 1} / ${view.count}` : ''}
      </div>
      <div className="overlay br" data-testid="overlay-voi">
        {view ? `W ${view.windowWidth}  L ${view.windowCenter}` : ''}
      </div>
    </>
  );
}
