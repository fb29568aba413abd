/**
 * A series as a volume plan: loads its metadata over the data plane once, then plans the volume (geometry,
 * memory, texture format). `textureChoice` is the reader's half-float choice: a change re-plans (and so rebuilds
 * the volume) without fetching the metadata again.
 */
import { useEffect, useState } from 'react';
import { getString } from '../../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { Tag } from '../../../../common/dicom/tags';
import { planVolumeForViewer, stackEntries, type StackEntry, type VolumePlanResult } from '../../../imaging';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { errorTextNow } from '../../../ui/i18n';

export interface VolumePlanState {
  result?: VolumePlanResult;
  /** The series' frames (for what a refused plan can still show: a 4DCT's phases). */
  entries?: StackEntry[];
  modality?: string;
  error?: string;
}

export function useVolumePlan(plane: DataPlane, series: SeriesSummary, label: string, textureChoice?: boolean): VolumePlanState {
  const [loaded, setLoaded] = useState<{ entries?: StackEntry[]; modality?: string; error?: string }>({});
  const [result, setResult] = useState<VolumePlanResult>();

  useEffect(() => {
    const ctl = new AbortController();
    setLoaded({});
    setResult(undefined);
    getDicomJson(plane, dicomwebPath.seriesMetadata(series.studyInstanceUid, series.seriesInstanceUid), ctl.signal)
      .then((a) => {
        if (a.items.length === 0) throw new Error('The series has no images');
        setLoaded({ entries: stackEntries(plane.baseUrl, a.items), modality: getString(a.items[0]!, Tag.Modality) });
      })
      .catch((err: Error) => err.name !== 'AbortError' && setLoaded({ error: errorTextNow(err) }));
    return () => ctl.abort();
  }, [plane, series]);

  useEffect(() => {
    if (loaded.entries) setResult(planVolumeForViewer(series.seriesInstanceUid, label, loaded.entries));
  }, [loaded, textureChoice, series, label]);

  return { result, entries: loaded.entries, modality: loaded.modality, error: loaded.error };
}
