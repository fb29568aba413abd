/**
 * RT over the planes of a volume (MPR, fusion, PET/CT; issue #17): the study's structures, doses and plans in the
 * frame of reference of the volume the planes show, the layer that draws them on one plane, and the RT panel folded
 * over the planes (structure list, dose and plan, DVH: the stack cell's panels, with the same shared choices). One
 * hook for every volume view, so each draws the same things the same way.
 */
import { useState, type ReactNode } from 'react';
import { getString } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { useTranslation } from '../../../ui/i18n';
import type { DataPlane } from '../../../platform/platform';
import { structureCentre, type Vec3 } from '../model/structuresOnPlane';
import { DosePanel } from './DosePanel';
import { DvhPanel } from './DvhPanel';
import { RtPlaneLayer } from './RtPlaneLayer';
import { StructureList } from './StructureList';
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
  /** The RT panels (structure list, dose and plan, DVH), for the view to place; null when the study has no RT object in the volume's frame. */
  panels: ReactNode;
  /** The same panels folded over the planes (for views with no room beside them: fusion). */
  panel: ReactNode;
  /** Where "Go to" a structure asked the planes to go (a new object each time), for views that can move there. */
  centreOn: { point: Vec3 } | undefined;
}

/**
 * @param canCentre whether the view moves its planes to a point (MPR): the structure list then has Go buttons.
 */
export function useRtOverPlan(plane: DataPlane, studyUid: string, plan: PlanSlots | undefined, canCentre = false): RtOverPlan {
  const { t } = useTranslation();
  const first = plan?.slots.find((s): s is { entry: { metadata: Parameters<typeof getString>[0] } } => 'entry' in s);
  const frameOfReferenceUid = first ? getString(first.entry.metadata, Tag.FrameOfReferenceUID) : undefined;
  const rt = useRtVolumeData(plane, plan ? studyUid : undefined, frameOfReferenceUid, SINGLE_PLANE_SPACING_MM);
  const [centreOn, setCentreOn] = useState<{ point: Vec3 }>();
  const layer = rt.any
    ? () => (
        <RtPlaneLayer sets={rt.sets} grid={rt.grid} levels={rt.levels} sliceSpacingMm={SINGLE_PLANE_SPACING_MM} plans={rt.plans} referenceGy={rt.referenceGy} wash={rt.wash} style={rt.style} />
      )
    : undefined;
  const panels = rt.any ? (
    <>
      {rt.sets.length ? (
        <StructureList
          sets={rt.sets}
          style={rt.style}
          onStyle={rt.setStyle}
          onJump={
            canCentre
              ? (set, n) => {
                  const roi = set.rois.find((r) => r.number === n);
                  const point = roi ? structureCentre(roi) : undefined;
                  if (point) setCentreOn({ point });
                }
              : undefined
          }
        />
      ) : null}
      {rt.doses.length || rt.plans.length ? (
        <DosePanel doses={rt.doses} plans={rt.plans} view={rt.view} onView={rt.setView} levels={rt.legend} referenceGy={rt.referenceGy} maxGy={rt.grid?.maxGy} status={rt.status} />
      ) : null}
      {rt.grid && rt.dose && rt.sets.length ? <DvhPanel rois={rt.sets.flatMap((s) => s.rois)} grid={rt.grid} doseDataset={rt.dose.dataset} /> : null}
    </>
  ) : null;
  const panel = panels ? (
    <details className="rt-volume-panel" data-testid="rt-volume-panel">
      <summary>{t('rt.volumePanel')}</summary>
      {panels}
    </details>
  ) : null;
  return { rt, layer, panels, panel, centreOn };
}
