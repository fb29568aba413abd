/**
 * The RT data an MPR shows over its planes (issue #17): the structure sets and the plan-sum dose of the study in the
 * volume's frame of reference, with isodose lines at the default levels of the prescription (else the dose maximum).
 * The stack cell's panel (useRtReview) is where they are chosen and styled.
 */
import { useEffect, useMemo, useState } from 'react';
import type { DoseGrid } from '../../../../common/rt/doseGrid';
import type { RtPlan } from '../../../../common/rt/rtPlan';
import type { DataPlane } from '../../../platform/platform';
import { DEFAULT_LEVELS_PERCENT, isodoseLevels, type IsodoseLevel } from '../model/doseDisplay';
import { loadDoseGrid, useRtDoses } from './useRtDoses';
import { useStructureSets, type LoadedStructureSet } from './useStructureSets';

export interface RtVolumeData {
  sets: LoadedStructureSet[];
  grid: DoseGrid | undefined;
  levels: IsodoseLevel[];
  plans: RtPlan[];
  referenceGy: number | undefined;
  any: boolean;
}

export function useRtVolumeData(plane: DataPlane, studyUid: string | undefined, frameOfReferenceUid: string | undefined, sliceSpacingMm: number): RtVolumeData {
  const structures = useStructureSets(plane, studyUid, frameOfReferenceUid, sliceSpacingMm);
  const rt = useRtDoses(plane, studyUid, frameOfReferenceUid);
  const [grid, setGrid] = useState<DoseGrid>();
  const dose = rt.doses[0];
  useEffect(() => {
    if (!dose || !studyUid) return void setGrid(undefined);
    const ctl = new AbortController();
    loadDoseGrid(plane, studyUid, dose, ctl.signal).then(
      (g) => !ctl.signal.aborted && setGrid(g),
      () => undefined, // the stack cell's panel says why a dose cannot be shown
    );
    return () => ctl.abort();
  }, [plane, studyUid, dose]);
  const reference = rt.plans.find((p) => p.prescriptionGy !== undefined)?.prescriptionGy ?? grid?.maxGy;
  const levels = useMemo(() => (reference ? isodoseLevels(DEFAULT_LEVELS_PERCENT, 'percent', reference) : []), [reference]);
  return { sets: structures.sets, grid, levels, plans: rt.plans, referenceGy: reference, any: structures.sets.length > 0 || grid !== undefined || rt.plans.length > 0 };
}
