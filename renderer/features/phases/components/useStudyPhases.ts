/**
 * A 4DCT exported as one series per phase ("4DCT 30%", as Varian, GE and Philips often export it; issue #17): when
 * the series opened in MPR names a percentage, the study's other series of the modality that name one are offered
 * as its phases. Their metadata are fetched only when the reader asks (`open`), then split by splitPhases rule (c).
 */
import { useCallback, useEffect, useState } from 'react';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import { seriesFromDicomJson, type SeriesSummary } from '../../../../common/dicom/model';
import { percentFromDescription, splitPhases, type PhaseInstance, type RespiratoryPhase } from '../../../../common/volume/respiratoryPhases';
import { stackEntries, type StackEntry } from '../../../imaging';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { errorTextNow } from '../../../ui/i18n';

export interface StudyPhases {
  /** The study's series that name a percentage, the opened one included (at least two, else none). */
  candidates: SeriesSummary[];
  state: 'idle' | 'loading' | 'ready' | 'error';
  phases?: RespiratoryPhase[];
  warnings?: string[];
  entries?: StackEntry[];
  error?: string;
  open(): void;
  close(): void;
}

export function useStudyPhases(plane: DataPlane, series: SeriesSummary): StudyPhases {
  const [candidates, setCandidates] = useState<SeriesSummary[]>([]);
  const [loaded, setLoaded] = useState<Omit<StudyPhases, 'candidates' | 'open' | 'close'>>({ state: 'idle' });

  useEffect(() => {
    setCandidates([]);
    setLoaded({ state: 'idle' });
    if (percentFromDescription(series.seriesDescription) === undefined) return;
    const ctl = new AbortController();
    getDicomJson(plane, dicomwebPath.series(series.studyInstanceUid), ctl.signal)
      .then((a) => {
        const found = a.items
          .map(seriesFromDicomJson)
          .filter((s): s is SeriesSummary => !!s && s.modality === series.modality && percentFromDescription(s.seriesDescription) !== undefined);
        if (found.length >= 2) setCandidates(found);
      })
      // Not offering the phases is the whole effect of a failed query: the series still opens as a volume.
      .catch(() => undefined);
    return () => ctl.abort();
  }, [plane, series]);

  const open = useCallback(() => {
    setLoaded({ state: 'loading' });
    void (async () => {
      const instances: PhaseInstance[] = [];
      const entries: StackEntry[] = [];
      for (const s of candidates) {
        const a = await getDicomJson(plane, dicomwebPath.seriesMetadata(s.studyInstanceUid, s.seriesInstanceUid));
        entries.push(...stackEntries(plane.baseUrl, a.items));
        for (const dataset of a.items) instances.push({ seriesUid: s.seriesInstanceUid, seriesDescription: s.seriesDescription, dataset });
      }
      const split = splitPhases(instances);
      if (split.kind !== 'phases') throw new Error(split.reason);
      setLoaded({ state: 'ready', phases: split.phases, warnings: split.warnings, entries });
    })().catch((err: Error) => setLoaded({ state: 'error', error: errorTextNow(err) }));
  }, [plane, candidates]);

  const close = useCallback(() => setLoaded({ state: 'idle' }), []);
  return { candidates, ...loaded, open, close };
}
