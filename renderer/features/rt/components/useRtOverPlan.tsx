/**
 * RT over the planes of a volume (MPR, fusion, PET/CT; issue #17): the study's structures, plan-sum dose and plans
 * in the frame of reference of the volume the planes show, and the layer that draws them on one plane. One hook for
 * every volume view, so each draws the same things the same way.
 */
import type { ReactNode } from 'react';
import { getString } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import type { DataPlane } from '../../../platform/platform';
import { DosePanel } from './DosePanel';
import { RtPlaneLayer } from './RtPlaneLayer';
import { useRtVolumeData, type RtVolumeData } from './useRtVolumeData';

/** The planes' slots, as a volume plan holds them: the first acquired slice says the frame of reference. */
interface PlanSlots {
  slots: readonly ({ entry: { metadata: Parameters<typeof getString>[0] } } | object)[];
}

/** Spacing given to structures drawn on a single plane (multi-plane structures use their own spacing). */
const SINGLE_PLANE_SPACING_MM = 2.5;

export interface RtOverPlan {
  rt: RtVolumeData;
  /** The layer for one plane's cell, or undefined when the study has no RT object in the volume's frame. */
  layer: (() => ReactNode) | undefined;
  /** The Dose panel (which dose, lines, wash, reference, levels, the plan), folded over the planes; null without a dose or plan. */
  panel: ReactNode;
}

export function useRtOverPlan(plane: DataPlane, studyUid: string, plan: PlanSlots | undefined): RtOverPlan {
  const first = plan?.slots.find((s): s is { entry: { metadata: Parameters<typeof getString>[0] } } => 'entry' in s);
  const frameOfReferenceUid = first ? getString(first.entry.metadata, Tag.FrameOfReferenceUID) : undefined;
  const rt = useRtVolumeData(plane, plan ? studyUid : undefined, frameOfReferenceUid, SINGLE_PLANE_SPACING_MM);
  const layer = rt.any
    ? () => <RtPlaneLayer sets={rt.sets} grid={rt.grid} levels={rt.levels} sliceSpacingMm={SINGLE_PLANE_SPACING_MM} plans={rt.plans} referenceGy={rt.referenceGy} wash={rt.wash} />
    : undefined;
  const panel =
    rt.doses.length || rt.plans.length ? (
      <details className="rt-volume-panel" data-testid="rt-volume-panel">
        <summary>Dose and plan</summary>
        <DosePanel doses={rt.doses} plans={rt.plans} view={rt.view} onView={rt.setView} levels={rt.legend} referenceGy={rt.referenceGy} maxGy={rt.grid?.maxGy} status={rt.status} />
      </details>
    ) : null;
  return { rt, layer, panel };
}
