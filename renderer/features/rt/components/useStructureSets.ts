/**
 * The RT Structure Sets of a study that outline an image series (same frame of reference), read over the data plane
 * (WADO-RS metadata: Contour Data is a DS value, so it comes inline) and parsed by common/rt — the reader `dokuei dvh`
 * uses. Each ROI's volume is computed once, after the outlines are shown.
 */
import { useEffect, useState } from 'react';
import { getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import { Tag } from '../../../../common/dicom/tags';
import { closedPlanes, parseStructureSet, type Roi } from '../../../../common/rt/structureSet';
import { structureVolumeCc } from '../../../../common/rt/dvh';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { errorTextNow, textNow } from '../../../ui/i18n';
import { rtText } from '../model/rtWarningText';

export interface LoadedStructureSet {
  sopInstanceUid: string;
  label: string;
  rois: Roi[];
  /** cm³ per ROI number (closed structures only), once computed. */
  volumes: Record<number, number>;
  warnings: string[];
}

export interface StructureSetsState {
  loading: boolean;
  error?: string;
  sets: LoadedStructureSet[];
}

/** Whether a structure set outlines images of this frame of reference (ROIs that name none are taken as its). */
function outlines(rois: readonly Roi[], frameOfReferenceUid: string | undefined): boolean {
  if (!frameOfReferenceUid) return true;
  return rois.some((r) => !r.frameOfReferenceUid || r.frameOfReferenceUid === frameOfReferenceUid);
}

export function useStructureSets(plane: DataPlane, studyUid: string | undefined, frameOfReferenceUid: string | undefined, sliceSpacingMm: number): StructureSetsState {
  const [state, setState] = useState<StructureSetsState>({ loading: false, sets: [] });
  useEffect(() => {
    if (!studyUid) return;
    const ctl = new AbortController();
    let volumeTimer: ReturnType<typeof setTimeout> | undefined;
    setState({ loading: true, sets: [] });
    (async () => {
      const { items: series } = await getDicomJson(plane, dicomwebPath.series(studyUid), ctl.signal);
      const rtSeries = series.filter((s) => getString(s, Tag.Modality)?.trim() === 'RTSTRUCT').map((s) => getString(s, Tag.SeriesInstanceUID)!);
      const sets: LoadedStructureSet[] = [];
      const problems: string[] = [];
      for (const uid of rtSeries) {
        const { items } = await getDicomJson(plane, dicomwebPath.seriesMetadata(studyUid, uid), ctl.signal);
        for (const ds of items as DicomJsonDataset[]) {
          try {
            const set = parseStructureSet(ds);
            if (!outlines(set.rois, frameOfReferenceUid)) continue;
            sets.push({ sopInstanceUid: getString(ds, Tag.SOPInstanceUID) ?? '', label: set.label ?? 'Structure set', rois: set.rois, volumes: {}, warnings: set.warnings });
          } catch (err) {
            problems.push(rtText(textNow, errorTextNow(err)));
          }
        }
      }
      if (ctl.signal.aborted) return;
      setState({ loading: false, sets, ...(problems.length ? { error: problems.join(' ') } : {}) });
      // Volumes after the outlines are on screen: a body contour on 100 planes is a few hundred ms of sampling.
      volumeTimer = setTimeout(() => {
        if (ctl.signal.aborted) return;
        const withVolumes = sets.map((s) => ({
          ...s,
          volumes: Object.fromEntries(
            s.rois.flatMap((r) => {
              const { planes } = closedPlanes(r);
              return planes.length ? [[r.number, structureVolumeCc(planes, sliceSpacingMm)]] : [];
            }),
          ),
        }));
        setState((st) => ({ ...st, sets: withVolumes }));
      }, 50);
    })().catch((err: unknown) => {
      if (ctl.signal.aborted) return;
      setState({ loading: false, sets: [], error: textNow('rt.load.structureSetsFailed', { reason: rtText(textNow, errorTextNow(err)) }) });
    });
    return () => {
      ctl.abort();
      clearTimeout(volumeTimer);
    };
  }, [plane, studyUid, frameOfReferenceUid, sliceSpacingMm]);
  return state;
}
