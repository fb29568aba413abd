/**
 * The phases of a 4DCT loaded as volumes (issue #17): one grid for all, one Int16Array of HU per phase, filled as
 * the frames arrive so the planes fill in while loading (progress is counted in images). Nothing else holds the
 * pixels: the loader's own copy of each frame is dropped once stored.
 */
import { useEffect, useMemo, useState } from 'react';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { phaseGrid, putSlice, type PhaseGrid, type PhaseMemory } from '../../../../common/volume/phaseVolumes';
import type { RespiratoryPhase } from '../../../../common/volume/respiratoryPhases';
import { loadFrameValues, volumeBudgetBytes, type StackEntry } from '../../../imaging';
import { errorTextNow, textNow } from '../../../ui/i18n';

export interface PhaseVolumes {
  grid?: PhaseGrid;
  memory?: PhaseMemory;
  volumes: Int16Array[];
  warnings: string[];
  loaded: number;
  total: number;
  /** Bumped as slices arrive (at most every REDRAW_MS), so views redraw what is in. */
  version: number;
  done: boolean;
  error?: string;
}

/** Redraws while loading at most this often: drawing three planes per arriving frame would slow the load. */
const REDRAW_MS = 250;
/** What a voxel holds before its slice arrives: air, so unloaded slices look empty rather than bright. */
const NOT_LOADED_HU = -1024;

export function usePhaseVolumes(phases: readonly RespiratoryPhase[], entryOf: (ds: DicomJsonDataset) => StackEntry | undefined): PhaseVolumes {
  const planned = useMemo(() => {
    if (phases.length === 0) return { error: textNow('phases.noPhases') } as const;
    const r = phaseGrid(phases[0]!.datasets, phases.length, volumeBudgetBytes());
    if (typeof r === 'string') return { error: r } as const;
    const jobs: { entry: StackEntry; phase: number; slice: number }[] = [];
    // Slice-major across phases: the middle of every phase fills at about the same pace, so a cine during loading
    // already shows motion.
    const order = [...Array(r.grid.slices).keys()].sort((a, b) => Math.abs(a - r.grid.slices / 2) - Math.abs(b - r.grid.slices / 2));
    for (const k of order) {
      for (const phase of phases) {
        const entry = entryOf(phase.datasets[k]!);
        if (!entry) return { error: `Image ${k + 1} of phase ${phase.label} has no frame to load.` } as const;
        jobs.push({ entry, phase: phase.index, slice: k });
      }
    }
    return { ...r, jobs };
  }, [phases, entryOf]);

  const [state, setState] = useState<PhaseVolumes>({ volumes: [], warnings: [], loaded: 0, total: 0, version: 0, done: false });

  useEffect(() => {
    if ('error' in planned) {
      setState({ volumes: [], warnings: [], loaded: 0, total: 0, version: 0, done: true, error: planned.error });
      return;
    }
    const { grid, memory, warnings, jobs } = planned;
    const size = grid.columns * grid.rows * grid.slices;
    const volumes = phases.map(() => new Int16Array(size).fill(NOT_LOADED_HU));
    const ctl = new AbortController();
    let loaded = 0;
    let version = 0;
    let lastDraw = 0;
    const publish = (done: boolean, error?: string) => {
      version++;
      setState({ grid, memory, volumes, warnings, loaded, total: jobs.length, version, done, ...(error ? { error } : {}) });
    };
    publish(false);
    loadFrameValues(
      jobs.map((j) => j.entry),
      (index, frame) => {
        const job = jobs[index]!;
        if (frame.columns !== grid.acquired.columns || frame.rows !== grid.acquired.rows) {
          throw new Error(`Image ${job.slice + 1} of phase ${phases[job.phase]!.label} is ${frame.columns} × ${frame.rows}, not ${grid.acquired.columns} × ${grid.acquired.rows} like the others.`);
        }
        putSlice(volumes[job.phase]!, grid, job.slice, frame.values);
        loaded++;
        const now = performance.now();
        if (now - lastDraw > REDRAW_MS) {
          lastDraw = now;
          publish(false);
        }
      },
      ctl.signal,
    )
      .then(() => publish(true))
      .catch((err: Error) => {
        if (err.name !== 'AbortError') publish(true, errorTextNow(err));
      });
    return () => ctl.abort();
  }, [planned, phases]);

  return state;
}
