/**
 * SUV statistics per segment of the DICOM SEGs in the study that segment this PET series (issue #7): the SEG (its
 * WADO-RS metadata and its bytes) and the PET frames come over the data plane, the masks and statistics from
 * common/seg — the code `dokuei suv --seg` runs, on the same grid — so the panel and the CLI print the same SUVmax.
 * The voxels and masks are fetched once per series; a correction changes only the per-slice factors, and the
 * statistics are recomputed from them (a scale, as everywhere in the viewer).
 */
import { useEffect, useMemo, useState } from 'react';
import { getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { boundaryOf, decodeMultipart, OCTET_STREAM_ACCEPT } from '../../../../common/dicom/multipart';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import { Tag } from '../../../../common/dicom/tags';
import { findPixelData, readSegHeader, segmentSuvStatistics, segToMasks, type SegmentMask, type SegmentSuvStatistics } from '../../../../common/seg';
import type { SuvResult } from '../../../../common/suv';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { fillSlice, petGrid, sliceFactorsOf, type PetGrid } from '../model/segVolume';
import { suvDataPlane } from './suvApi';
import { errorTextNow, textNow } from '../../../ui/i18n';

export interface SegSuvTable {
  segSopInstanceUid: string;
  description: string;
  segments: SegmentSuvStatistics[];
  warnings: string[];
}

export interface SegmentSuvState {
  loading: boolean;
  error?: string;
  /** One per SEG instance that references the PET series; empty when the study has none. */
  tables: SegSuvTable[];
}

export interface LoadedSeg {
  grid: PetGrid;
  segs: { sop: string; description: string; masks: SegmentMask[]; warnings: string[] }[];
}

async function fetchBytes(plane: DataPlane, path: string, accept: string, signal?: AbortSignal): Promise<{ parts: { contentType: string; body: Uint8Array }[] }> {
  const res = await fetch(`${plane.baseUrl}${path}`, { headers: { ...plane.headers, Accept: accept }, signal });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  const boundary = boundaryOf(res.headers.get('Content-Type') ?? '');
  return { parts: boundary ? decodeMultipart(body, boundary) : [{ contentType: res.headers.get('Content-Type') ?? '', body }] };
}

const referencedSeries = (ds: DicomJsonDataset): string[] => {
  try {
    return readSegHeader(ds).referencedSeriesInstanceUids;
  } catch {
    return [];
  }
};

/** The SEG instances of the study that reference `seriesUid`, with their metadata. */
async function segsOf(plane: DataPlane, studyUid: string, seriesUid: string, signal?: AbortSignal): Promise<DicomJsonDataset[]> {
  const { items: series } = await getDicomJson(plane, dicomwebPath.series(studyUid), signal);
  const segSeries = series.filter((s) => getString(s, Tag.Modality)?.trim() === 'SEG').map((s) => getString(s, Tag.SeriesInstanceUID)!);
  const out: DicomJsonDataset[] = [];
  for (const uid of segSeries) {
    const { items } = await getDicomJson(plane, dicomwebPath.seriesMetadata(studyUid, uid), signal);
    out.push(...items.filter((ds) => referencedSeries(ds).includes(seriesUid)));
  }
  return out;
}

async function load(plane: DataPlane, studyUid: string, seriesUid: string, metadata: readonly DicomJsonDataset[], signal?: AbortSignal): Promise<LoadedSeg | undefined> {
  const segs = await segsOf(plane, studyUid, seriesUid, signal);
  if (!segs.length) return undefined;
  const grid = petGrid(metadata);
  // The PET voxels: one frame request per slice, a few at a time.
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < grid.instances.length; k = next++) {
      const ds = grid.instances[k]!;
      const sop = getString(ds, Tag.SOPInstanceUID)!;
      const { parts } = await fetchBytes(plane, dicomwebPath.frames(studyUid, seriesUid, sop, [1]), OCTET_STREAM_ACCEPT, signal);
      const part = parts[0];
      if (!part) throw new Error(`No frame came back for PET instance ${sop}`);
      const ts = /transfer-syntax=([0-9.]+)/.exec(part.contentType)?.[1] ?? '1.2.840.10008.1.2.1';
      fillSlice(grid.volume, k, ds, part.body, ts);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return { grid, segs: await segMasks(plane, studyUid, segs, grid, signal) };
}

/** Each SEG instance's segments as masks on `grid` (its slices' SOP Instance UIDs place the frames). */
async function segMasks(plane: DataPlane, studyUid: string, segs: readonly DicomJsonDataset[], grid: PetGrid, signal?: AbortSignal): Promise<LoadedSeg['segs']> {
  const loaded: LoadedSeg['segs'] = [];
  for (const segDs of segs) {
    const sop = getString(segDs, Tag.SOPInstanceUID)!;
    const segSeries = getString(segDs, Tag.SeriesInstanceUID)!;
    const { parts } = await fetchBytes(plane, dicomwebPath.instance(studyUid, segSeries, sop), 'multipart/related; type="application/dicom"', signal);
    const bytes = parts[0]?.body;
    if (!bytes) throw new Error(`The SEG ${sop} could not be retrieved`);
    const uids = grid.instances.map((ds) => getString(ds, Tag.SOPInstanceUID));
    const { segments, warnings } = segToMasks(segDs, findPixelData(bytes), { ...grid.volume, sopInstanceUids: uids });
    loaded.push({ sop, description: getString(segDs, Tag.SeriesDescription)?.trim() ?? '', masks: segments, warnings });
  }
  return loaded;
}

/**
 * The SEGs of the study that segment a series (a CT, an MR …), as masks on its grid, for outlines over its stack, MPR
 * and fused planes (issue #17). Only the geometry of the series is used: its voxels are not fetched. Undefined while
 * loading, when the study has none, or when they cannot be placed (`error` says why).
 */
export function useSeriesSeg(plane: DataPlane, ids: { studyInstanceUid: string; seriesInstanceUid: string } | undefined, metadata: readonly DicomJsonDataset[] | undefined): { loaded?: LoadedSeg; error?: string } {
  const [state, setState] = useState<{ loaded?: LoadedSeg; error?: string }>({});
  const studyUid = ids?.studyInstanceUid;
  const seriesUid = ids?.seriesInstanceUid;
  useEffect(() => {
    setState({});
    if (!studyUid || !seriesUid || !metadata?.length) return;
    const ctl = new AbortController();
    (async () => {
      const segs = await segsOf(plane, studyUid, seriesUid, ctl.signal);
      if (!segs.length) return undefined;
      const grid = petGrid(metadata, false);
      return { grid, segs: await segMasks(plane, studyUid, segs, grid, ctl.signal) };
    })().then(
      (loaded) => !ctl.signal.aborted && setState(loaded ? { loaded } : {}),
      (err: Error) => !ctl.signal.aborted && err.name !== 'AbortError' && setState({ error: textNow('suv.segmentFailed', { reason: errorTextNow(err) }) }),
    );
    return () => ctl.abort();
  }, [plane, studyUid, seriesUid, metadata]);
  return state;
}

/**
 * The last series loaded, kept while the page lives: closing and reopening the panel (or a second pane on the
 * same PET) does not fetch the ~300 frames again. One entry only — a PET volume is tens of MB.
 */
let lastLoad: { key: string; promise: Promise<LoadedSeg | undefined> } | undefined;

function loadOnce(key: string, start: () => Promise<LoadedSeg | undefined>): Promise<LoadedSeg | undefined> {
  if (lastLoad?.key !== key) {
    const promise = start();
    lastLoad = { key, promise };
    // A failed or aborted load is not kept: the next opening tries again.
    promise.catch(() => {
      if (lastLoad?.promise === promise) lastLoad = undefined;
    });
  }
  return lastLoad.promise;
}

/**
 * The SEGs of the study that segment this PET series, as masks on the PET grid (and the PET voxels), loaded once
 * and shared by the SUV panel's table and the outlines over the PET/CT planes. Only while `enabled`.
 */
export function useLoadedSeg(
  ids: { studyInstanceUid: string; seriesInstanceUid: string } | undefined,
  metadata: readonly DicomJsonDataset[] | undefined,
  enabled: boolean,
): { loaded?: LoadedSeg; loading: boolean; error?: string } {
  const [loaded, setLoaded] = useState<LoadedSeg>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const studyUid = ids?.studyInstanceUid;
  const seriesUid = ids?.seriesInstanceUid;
  useEffect(() => {
    setLoaded(undefined);
    setError(undefined);
    if (!enabled || !studyUid || !seriesUid || !metadata?.length) return;
    // Not aborted when the panel closes: a shared load may serve the next opening (see loadOnce).
    const ctl = new AbortController();
    setLoading(true);
    loadOnce(`${studyUid}/${seriesUid}/${metadata.length}`, () => suvDataPlane().then((plane) => load(plane, studyUid, seriesUid, metadata)))
      .then(
        (l) => !ctl.signal.aborted && setLoaded(l),
        (err: Error) => !ctl.signal.aborted && setError(errorTextNow(err)),
      )
      .finally(() => !ctl.signal.aborted && setLoading(false));
    return () => ctl.abort();
  }, [enabled, studyUid, seriesUid, metadata]);
  return { ...(loaded ? { loaded } : {}), loading, ...(error ? { error } : {}) };
}

/**
 * @param metadata the PET instances in stack order; `results` the SUV engine's result for each (with corrections).
 * Only runs while `enabled` (the panel is open).
 */
export function useSegmentSuv(
  ids: { studyInstanceUid: string; seriesInstanceUid: string } | undefined,
  metadata: readonly DicomJsonDataset[] | undefined,
  results: readonly SuvResult[],
  enabled: boolean,
): SegmentSuvState {
  const { loaded, loading, error } = useLoadedSeg(ids, metadata, enabled);
  const tables = useMemo(() => {
    if (!loaded || !metadata) return [];
    const factors = sliceFactorsOf(loaded.grid, metadata, results);
    return loaded.segs.map((s) => ({
      segSopInstanceUid: s.sop,
      description: s.description,
      segments: segmentSuvStatistics(loaded.grid.volume, s.masks, factors),
      warnings: s.warnings,
    }));
  }, [loaded, metadata, results]);
  return { loading, ...(error ? { error } : {}), tables };
}
