/**
 * SUV of one PET series as the viewer shows it: its saved corrections (suv.corrections.get), the engine's result per
 * instance with them (common/suv, in the page, so a saved correction changes every readout in the same render; none
 * until the corrections are read: model/seriesSuvResults), and save() for a new correction.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import type { SendOutcome, SuvCorrectionField, SuvCorrectionsState } from '../../../../common/ipc/contract';
import type { SuvOverrides, SuvResult } from '../../../../common/suv';
import { seriesSuvResults, type SeriesCorrections } from '../model/seriesSuvResults';
import { suvApi } from './suvApi';
import type { z } from 'zod';
import { errorTextNow } from '../../../ui/i18n';

export type SuvField = z.infer<typeof SuvCorrectionField>;

export interface SeriesSuv {
  /** The series (and its study) these results are of. */
  ids: { studyInstanceUid: string; seriesInstanceUid: string };
  /** The instances' metadata, in the order given (the stack order). */
  instances: readonly DicomJsonDataset[] | undefined;
  /** One per instance, in the order given (the stack order). */
  results: SuvResult[];
  corrections: SuvCorrectionsState['corrections'];
  overrides: SuvOverrides;
  loading: boolean;
  error?: string;
  /** The RWVM instance the last save wrote. */
  lastRwvm?: string;
  /** sendTo: also send the RWVM instance to that PACS node; the answer says whether that worked (the save stands either way). */
  save(field: SuvField, value: number | string, reason: string, sendTo?: string): Promise<SendOutcome | undefined>;
}

export function useSeriesSuv(ids: { studyInstanceUid: string; seriesInstanceUid: string } | undefined, instances: readonly DicomJsonDataset[] | undefined): SeriesSuv | undefined {
  const [state, setState] = useState<SuvCorrectionsState>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [lastRwvm, setLastRwvm] = useState<string>();
  const seriesUid = ids?.seriesInstanceUid;
  const studyUid = ids?.studyInstanceUid;
  useEffect(() => {
    setState(undefined);
    setError(undefined);
    setLastRwvm(undefined);
    if (!seriesUid) return;
    let live = true;
    setLoading(true);
    suvApi()
      .then((api) => api.suv['corrections.get']({ seriesInstanceUid: seriesUid }))
      .then(
        (s) => live && setState(s),
        (err: Error) => live && setError(errorTextNow(err)),
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [seriesUid]);
  const overrides = useMemo(() => state?.overrides ?? {}, [state]);
  const corrections = useMemo<SeriesCorrections>(
    () => (state ? { kind: 'loaded', seriesInstanceUid: state.seriesInstanceUid, overrides } : error !== undefined ? { kind: 'failed' } : { kind: 'loading' }),
    [state, overrides, error],
  );
  const results = useMemo(() => seriesSuvResults(instances, seriesUid, corrections), [instances, seriesUid, corrections]);
  const save = useCallback(
    async (field: SuvField, value: number | string, reason: string, sendTo?: string) => {
      if (!seriesUid || !studyUid) return undefined;
      const api = await suvApi();
      const saved = await api.suv['corrections.save']({ studyInstanceUid: studyUid, seriesInstanceUid: seriesUid, field, value, reason, ...(sendTo ? { sendTo } : {}) });
      setState({ seriesInstanceUid: saved.seriesInstanceUid, corrections: saved.corrections, overrides: saved.overrides });
      setLastRwvm(saved.rwvmSopInstanceUid);
      return saved.send;
    },
    [seriesUid, studyUid],
  );
  if (!seriesUid || !studyUid) return undefined;
  return { ids: { studyInstanceUid: studyUid, seriesInstanceUid: seriesUid }, instances, results, corrections: state?.corrections ?? [], overrides, loading, ...(error ? { error } : {}), ...(lastRwvm ? { lastRwvm } : {}), save };
}
