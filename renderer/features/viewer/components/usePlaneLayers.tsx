/**
 * What features draw over the planes of a volume view (MPR, fusion; issue #17): the study's RT objects in the series'
 * frame of reference (structures, dose, beams, with their panels) and the series' DICOM SEG outlines — one hook, so
 * every volume view draws the same layers.
 */
import { useMemo, type ReactNode } from 'react';
import type { SeriesSummary } from '../../../../common/dicom/model';
import type { StackEntry } from '../../../imaging';
import type { DataPlane } from '../../../platform/platform';
import { useRtOverPlan, type RtOverPlan } from '../../rt';
import { SegOutlineLayer, useSeriesSeg } from '../../suv';

export interface PlaneLayers {
  rt: RtOverPlan;
  /** The layers of one plane's cell, or undefined when there is nothing to draw. */
  overlay: (() => ReactNode) | undefined;
}

/**
 * @param plan the series' volume plan once it is built (nothing is fetched before).
 * @param canCentre whether the view moves its planes to a structure ("Go to" in the structure list).
 */
export function usePlaneLayers(
  plane: DataPlane,
  series: SeriesSummary,
  plan: Parameters<typeof useRtOverPlan>[2],
  entries: readonly StackEntry[] | undefined,
  canCentre = false,
): PlaneLayers {
  const rt = useRtOverPlan(plane, series.studyInstanceUid, plan, canCentre);
  const metadata = useMemo(() => (entries ? [...new Set(entries.map((e) => e.metadata))] : undefined), [entries]);
  const seg = useSeriesSeg(plane, plan ? series : undefined, metadata);
  const overlay =
    rt.layer || seg.loaded
      ? () => (
          <>
            {rt.layer?.()}
            {seg.loaded ? <SegOutlineLayer loaded={seg.loaded} /> : null}
          </>
        )
      : undefined;
  return { rt, overlay };
}
