/**
 * The RT data a view shows over its images (issue #17) — a stack cell (useRtReview) or the planes of a volume (MPR,
 * fusion): the structure sets, the doses and plans of the study in the images' frame of reference, and the dose
 * chosen in the study's dose view (useDoseView: one set of choices for every view) loaded, with its isodose levels
 * and wash.
 */
import { useEffect, useMemo, useState } from 'react';
import type { DoseGrid } from '../../../../common/rt/doseGrid';
import type { RtPlan } from '../../../../common/rt/rtPlan';
import type { DataPlane } from '../../../platform/platform';
import { isodoseLevels, type IsodoseLevel } from '../model/doseDisplay';
import type { DoseView } from './DosePanel';
import { useDoseView, useStructureStyle } from './useDoseView';
import type { StructureStyle } from './StructureLayer';
import { loadDoseGrid, useRtDoses, type DoseChoice } from './useRtDoses';
import { useStructureSets, type LoadedStructureSet } from './useStructureSets';
import { errorTextNow, textNow } from '../../../ui/i18n';
import { rtText } from '../model/rtWarningText';

export interface RtVolumeData {
  sets: LoadedStructureSet[];
  /** Why the study's structure sets could not be read. */
  structuresError: string | undefined;
  grid: DoseGrid | undefined;
  /** The isodose levels to draw (none when the lines are off). */
  levels: IsodoseLevel[];
  /** All the levels chosen, for the legend. */
  legend: IsodoseLevel[];
  /** The colour wash's scale, when the wash is on. */
  wash: { referenceGy: number; fromFraction: number } | undefined;
  plans: RtPlan[];
  doses: DoseChoice[];
  referenceGy: number | undefined;
  view: DoseView;
  setView: (view: DoseView) => void;
  /** The dose shown (for its stored DVH). */
  dose: DoseChoice | undefined;
  style: StructureStyle;
  setStyle: (style: StructureStyle) => void;
  /** Why the dose is not shown, or what to know about it. */
  status: string | undefined;
  any: boolean;
}

/** The wash starts at this fraction of the reference dose (as in the stack cell). */
const WASH_FROM = 0.1;

export function useRtVolumeData(plane: DataPlane, studyUid: string | undefined, frameOfReferenceUid: string | undefined, sliceSpacingMm: number): RtVolumeData {
  const structures = useStructureSets(plane, studyUid, frameOfReferenceUid, sliceSpacingMm);
  const rt = useRtDoses(plane, studyUid, frameOfReferenceUid);
  const [view, setView] = useDoseView(studyUid);
  const [style, setStyle] = useStructureStyle(studyUid);
  const [loaded, setLoaded] = useState<{ grid?: DoseGrid; status?: string }>({});
  const dose = rt.doses[Math.min(view.doseIndex, rt.doses.length - 1)];
  useEffect(() => {
    if (!dose || !studyUid) return void setLoaded({});
    const ctl = new AbortController();
    // In English here; DosePanel words these two in the reader's language (model/rtWarningText.ts).
    setLoaded({ status: 'Loading the dose…' });
    loadDoseGrid(plane, studyUid, dose, ctl.signal).then(
      (g) => !ctl.signal.aborted && setLoaded(g.units === 'GY' ? { grid: g } : { grid: g, status: `The dose is in ${g.units || 'no'} units, not Gy: levels in % of its maximum.` }),
      (err: unknown) => !ctl.signal.aborted && setLoaded({ status: textNow('rt.load.doseFailed', { reason: rtText(textNow, errorTextNow(err)) }) }),
    );
    return () => ctl.abort();
  }, [plane, studyUid, dose]);
  const grid = loaded.grid;
  const reference = view.referenceGy ?? rt.plans.find((p) => p.prescriptionGy !== undefined)?.prescriptionGy ?? grid?.maxGy;
  const legend = useMemo(() => (reference ? isodoseLevels(view.levels, view.unit, reference) : []), [view.levels, view.unit, reference]);
  const levels = useMemo(() => (view.lines ? legend : []), [view.lines, legend]);
  const wash = useMemo(() => (view.wash && reference ? { referenceGy: reference, fromFraction: WASH_FROM } : undefined), [view.wash, reference]);
  return {
    sets: structures.sets,
    structuresError: structures.error,
    grid,
    levels,
    legend,
    wash,
    plans: rt.plans,
    doses: rt.doses,
    referenceGy: reference,
    view,
    setView,
    dose,
    style,
    setStyle,
    status: rt.error ?? loaded.status,
    any: structures.sets.length > 0 || rt.doses.length > 0 || rt.plans.length > 0,
  };
}
