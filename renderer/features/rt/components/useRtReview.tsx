/**
 * Everything RT over one stack cell (issue #17), for the viewer pane: the study's structure sets, doses and plans in
 * the series' frame of reference; the layers drawn over the image (structures, dose wash, isodose lines), the
 * panels beside it (structure list, dose and plan) and the dose under the cursor. The pane places `layers` over its
 * canvas and `panels` in its side column, and forwards pointer moves.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { doseAt, type DoseGrid } from '../../../../common/rt/doseGrid';
import { doseOnPlane } from '../../../../common/rt/isodose';
import type { DataPlane } from '../../../platform/platform';
import { isodoseLevels } from '../model/doseDisplay';
import { structureCentre, structuresOnPlane, type PlaneGeometry, type Vec3 } from '../model/structuresOnPlane';
import { BeamLayer, drawablePlan } from './BeamLayer';
import { DoseLayer } from './DoseLayer';
import { DvhPanel } from './DvhPanel';
import { DosePanel } from './DosePanel';
import { useDoseView, useStructureStyle } from './useDoseView';
import { StructureLayer } from './StructureLayer';
import { StructureList } from './StructureList';
import { loadDoseGrid, useRtDoses } from './useRtDoses';
import { useStructureSets } from './useStructureSets';

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
  const { plane, studyUid, frameOfReferenceUid, sliceSpacingMm, shown, imageToCanvas, canvasToWorld } = input;
  const structures = useStructureSets(plane, studyUid, frameOfReferenceUid, sliceSpacingMm);
  const [style, setStyle] = useStructureStyle(studyUid);
  const rt = useRtDoses(plane, studyUid, frameOfReferenceUid);
  const [view, setView] = useDoseView(studyUid);
  const [grid, setGrid] = useState<{ grid?: DoseGrid; status?: string }>({});
  const [cursor, setCursor] = useState<number | undefined>();

  const dose = rt.doses[Math.min(view.doseIndex, rt.doses.length - 1)];
  useEffect(() => {
    if (!dose || !studyUid) return void setGrid({});
    const ctl = new AbortController();
    setGrid({ status: 'Loading the dose…' });
    loadDoseGrid(plane, studyUid, dose, ctl.signal).then(
      (g) => !ctl.signal.aborted && setGrid(g.units === 'GY' ? { grid: g } : { grid: g, status: `The dose is in ${g.units || 'no'} units, not Gy: levels in % of its maximum.` }),
      (err: unknown) => !ctl.signal.aborted && setGrid({ status: `Could not show the dose: ${err instanceof Error ? err.message : String(err)}` }),
    );
    return () => ctl.abort();
  }, [plane, studyUid, dose]);

  const referenceGy = view.referenceGy ?? rt.plans.find((p) => p.prescriptionGy !== undefined)?.prescriptionGy ?? grid.grid?.maxGy;
  const levels = useMemo(() => (referenceGy ? isodoseLevels(view.levels, view.unit, referenceGy) : []), [view.levels, view.unit, referenceGy]);
  const planeDose = useMemo(() => (grid.grid && shown ? doseOnPlane(grid.grid, shown) : undefined), [grid.grid, shown]);

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
          wash={view.wash && referenceGy ? { referenceGy, fromFraction: 0.1 } : undefined}
          imageToCanvas={imageToCanvas}
        />
      ) : null}
      {shown
        ? structures.sets.map((set) => <StructureLayer key={set.sopInstanceUid} rois={set.rois} onPlane={structuresOnPlane(set.rois, shown, sliceSpacingMm / 2)} style={style} imageToCanvas={centreToCanvas} />)
        : null}
      {shown && rt.plans.length ? <BeamLayer plans={rt.plans} shown={shown} halfSliceMm={sliceSpacingMm / 2} centreToCanvas={centreToCanvas} /> : null}
      {grid.grid && cursor !== undefined ? (
        <div className="overlay dose-readout" data-testid="dose-at-cursor" data-gy={cursor.toFixed(4)}>
          Dose {cursor.toFixed(2)} Gy{referenceGy ? ` (${((cursor / referenceGy) * 100).toFixed(1)} %)` : ''}
        </div>
      ) : null}
    </>
  );
  const panels = (
    <>
      {structures.sets.length || structures.error ? (
        <StructureList
          sets={structures.sets}
          style={style}
          onStyle={setStyle}
          onJump={(set, n) => {
            const roi = set.rois.find((r) => r.number === n);
            const centre = roi ? structureCentre(roi) : undefined;
            if (centre) input.showNearest(centre);
          }}
          error={structures.error}
        />
      ) : null}
      {rt.doses.length || rt.plans.length || rt.error ? (
        <DosePanel
          doses={rt.doses}
          plans={rt.plans}
          view={view}
          onView={setView}
          levels={levels}
          referenceGy={referenceGy}
          maxGy={grid.grid?.maxGy}
          status={rt.error ?? grid.status ?? (rt.plans.some((p) => !drawablePlan(p)) ? 'Beam axes are drawn for head-first supine plans only.' : undefined)}
        />
      ) : null}
      {grid.grid && dose && structures.sets.length ? <DvhPanel rois={structures.sets.flatMap((s) => s.rois)} grid={grid.grid} doseDataset={dose.dataset} /> : null}
    </>
  );
  return {
    layers,
    panels,
    onPointerMove: (x, y) => {
      if (!grid.grid) return;
      const p = canvasToWorld(x, y);
      setCursor(p ? doseAt(grid.grid, p) : undefined);
    },
  };
}
