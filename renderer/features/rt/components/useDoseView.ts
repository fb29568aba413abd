/**
 * The reader's dose display choices (which dose, lines, wash, reference, levels; issue #17) per study, shared by every
 * view of it: the stack cell's Dose panel, the MPR planes and the fused planes show the same dose the same way, and
 * a choice survives a change of layout (the stack cell is unmounted while MPR shows). Kept in memory for the session.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { DEFAULT_LEVELS_PERCENT } from '../model/doseDisplay';
import type { DoseView } from './DosePanel';

export const DEFAULT_DOSE_VIEW: DoseView = { doseIndex: 0, lines: true, wash: false, unit: 'percent', levels: DEFAULT_LEVELS_PERCENT };

const views = new Map<string, DoseView>();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The study's dose view and its setter (undefined study: the defaults, and changes are dropped). */
export function useDoseView(studyUid: string | undefined): [DoseView, (view: DoseView) => void] {
  const view = useSyncExternalStore(subscribe, () => (studyUid ? views.get(studyUid) : undefined) ?? DEFAULT_DOSE_VIEW);
  const set = useCallback(
    (next: DoseView) => {
      if (!studyUid) return;
      views.set(studyUid, next);
      for (const l of listeners) l();
    },
    [studyUid],
  );
  return [view, set];
}
