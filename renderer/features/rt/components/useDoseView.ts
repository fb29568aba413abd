/**
 * The reader's RT display choices per study (issue #17), shared by every view of it: the stack cell's panels, the MPR
 * planes and the fused planes show the same dose the same way (which dose, lines, wash, reference, levels) and the
 * same structures (visibility, outline width, fill), and a choice survives a change of layout (the stack cell is
 * unmounted while MPR shows). Kept in memory for the session.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { DEFAULT_LEVELS_PERCENT } from '../model/doseDisplay';
import type { DoseView } from './DosePanel';
import type { StructureStyle } from './StructureLayer';

export const DEFAULT_DOSE_VIEW: DoseView = { doseIndex: 0, lines: true, wash: false, unit: 'percent', levels: DEFAULT_LEVELS_PERCENT };
export const DEFAULT_STRUCTURE_STYLE: StructureStyle = { fillOpacity: 0.2, outlineWidth: 2, hidden: new Set() };

const choices = new Map<string, unknown>();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** One kind of choice for a study, and its setter (undefined study: the default, and changes are dropped). */
function useStudyChoice<T>(kind: string, studyUid: string | undefined, fallback: T): [T, (value: T) => void] {
  const key = studyUid ? `${kind}:${studyUid}` : undefined;
  const value = useSyncExternalStore(subscribe, () => ((key ? choices.get(key) : undefined) as T | undefined) ?? fallback);
  const set = useCallback(
    (next: T) => {
      if (!key) return;
      choices.set(key, next);
      for (const l of listeners) l();
    },
    [key],
  );
  return [value, set];
}

export const useDoseView = (studyUid: string | undefined) => useStudyChoice('dose', studyUid, DEFAULT_DOSE_VIEW);
export const useStructureStyle = (studyUid: string | undefined) => useStudyChoice('structures', studyUid, DEFAULT_STRUCTURE_STYLE);
