/**
 * Everything RT over one stack cell (issue #17), for the viewer pane: the study's structure sets, doses and plans in
 * the series' frame of reference; the layers drawn over the image (structures, dose wash, isodose lines), the
 * panels beside it (structure list, dose and plan) and the dose under the cursor. The pane places `layers` over its
 * canvas and `panels` in its side column, and forwards pointer moves.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { doseAt } from '../../../../common/rt/doseGrid';
import { useTranslation } from '../../../ui/i18n';
import { doseOnPlane } from '../../../../common/rt/isodose';
import type { DataPlane } from '../../../platform/platform';
import { structureCentre, structuresOnPlane, type PlaneGeometry, type Vec3 } from '../model/structuresOnPlane';
import { BeamLayer, drawablePlan } from './BeamLayer';
import { DoseLayer } from './DoseLayer';
import { DvhPanel } from './DvhPanel';
import { DosePanel } from './DosePanel';
import { StructureLayer } from './StructureLayer';
import { StructureList } from './StructureList';
import { useRtVolumeData } from './useRtVolumeData';

/** The image plane the pane shows, with its size. */
export type ShownPlane = PlaneGeometry & { rows: number; columns: number; frameOfReferenceUid: string };

export interface RtReviewInput {
  plane: DataPlane;
  /** The study, once the series' images are known (undefined: nothing is fetched). */
  studyUid: string | undefined;
  frameOfReferenceUid: string | undefined;
  sliceSpacingMm: number;
  shown: ShownPlane | undefined;
  /** The viewport's image → canvas map (its convention: 0.5, 0.5 = the first pixel's centre) and canvas → patient. */
  imageToCanvas: (column: number, row: number) => [number, number] | undefined;
  canvasToWorld: (x: number, y: number) => Vec3 | undefined;
  /** Shows the slice nearest a patient point. */
  showNearest: (point: Vec3) => void;
}

export interface RtReview {
  layers: ReactNode;
  panels: ReactNode;
  onPointerMove: (x: number, y: number) => void;
}

export function useRtReview(input: RtReviewInput): RtReview {
  const { t } = useTranslation();
  const { plane, studyUid, frameOfReferenceUid, sliceSpacingMm, shown, imageToCanvas, canvasToWorld } = input;
  // The same data, choices and dose loading as the MPR and fused planes (useRtVolumeData).
  const rt = useRtVolumeData(plane, studyUid, frameOfReferenceUid, sliceSpacingMm);
  const { view, setView, style, setStyle, referenceGy, legend: levels } = rt;
  const [cursor, setCursor] = useState<number | undefined>();
  const grid = rt.grid;
  const planeDose = useMemo(() => (grid && shown ? doseOnPlane(grid, shown) : undefined), [grid, shown]);

  const centreToCanvas = (column: number, row: number) => imageToCanvas(column + 0.5, row + 0.5);
  const layers = (
    <>
      {planeDose && shown && (view.lines || view.wash) ? (
        <DoseLayer
          values={planeDose}
          columns={shown.columns}
          rows={shown.rows}
          levels={levels}
          showLines={view.lines}
          wash={rt.wash}
          imageToCanvas={imageToCanvas}
        />
      ) : null}
      {shown
        ? rt.sets.map((set) => <StructureLayer key={set.sopInstanceUid} rois={set.rois} onPlane={structuresOnPlane(set.rois, shown, sliceSpacingMm / 2)} style={style} imageToCanvas={centreToCanvas} />)
        : null}
      {shown && rt.plans.length ? <BeamLayer plans={rt.plans} shown={shown} halfSliceMm={sliceSpacingMm / 2} centreToCanvas={centreToCanvas} /> : null}
      {grid && cursor !== undefined ? (
        <div className="overlay dose-readout" data-testid="dose-at-cursor" data-gy={cursor.toFixed(4)}>
          {referenceGy
            ? t('rt.doseAtCursorPercent', { gy: cursor.toFixed(2), percent: ((cursor / referenceGy) * 100).toFixed(1) })
            : t('rt.doseAtCursor', { gy: cursor.toFixed(2) })}
        </div>
      ) : null}
    </>
  );
  // Null when the series has no RT objects: the pane then shows no side column for them.
  const hasPanels = !!(rt.sets.length || rt.structuresError || rt.doses.length || rt.plans.length || rt.status);
  const panels = !hasPanels ? null : (
    <>
      {rt.sets.length || rt.structuresError ? (
        <StructureList
          sets={rt.sets}
          style={style}
          onStyle={setStyle}
          onJump={(set, n) => {
            const roi = set.rois.find((r) => r.number === n);
            const centre = roi ? structureCentre(roi) : undefined;
            if (centre) input.showNearest(centre);
          }}
          error={rt.structuresError}
        />
      ) : null}
      {rt.doses.length || rt.plans.length || rt.status ? (
        <DosePanel
          doses={rt.doses}
          plans={rt.plans}
          view={view}
          onView={setView}
          levels={levels}
          referenceGy={referenceGy}
          maxGy={grid?.maxGy}
          status={rt.status ?? (rt.plans.some((p) => !drawablePlan(p)) ? t('rt.beamAxesHfsOnly') : undefined)}
        />
      ) : null}
      {grid && rt.dose && rt.sets.length ? <DvhPanel rois={rt.sets.flatMap((s) => s.rois)} grid={grid} doseDataset={rt.dose.dataset} /> : null}
    </>
  );
  return {
    layers,
    panels,
    onPointerMove: (x, y) => {
      if (!grid) return;
      const p = canvasToWorld(x, y);
      setCursor(p ? doseAt(grid, p) : undefined);
    },
  };
}
