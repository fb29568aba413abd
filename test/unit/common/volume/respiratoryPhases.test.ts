/**
 * splitPhases (issue #17, 4DCT): each rule on datasets built in memory — phases in one series by Temporal Position
 * Identifier or Trigger Time, one series per phase named by percentage — the phases left out for missing slices,
 * the series that are not 4D and why, and a property: the order of the images given never changes the split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { percentFromDescription, splitPhases, unsplittableReason, type PhaseInstance, type PhaseSplit } from '../../../../common/volume/respiratoryPhases';

interface ImageOptions {
  series: string;
  z: number;
  sop: string;
  description?: string;
  tpi?: number;
  trigger?: number;
  comments?: string;
  frameOfReference?: string;
  iop?: number[];
}

function image(o: ImageOptions): PhaseInstance {
  const ds: DicomJsonDataset = {
    [Tag.SOPInstanceUID]: { vr: 'UI', Value: [o.sop] },
    [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [o.series] },
    [Tag.FrameOfReferenceUID]: { vr: 'UI', Value: [o.frameOfReference ?? '1.2.3.9'] },
    [Tag.ImagePositionPatient]: { vr: 'DS', Value: [-47, -47, o.z] },
    [Tag.ImageOrientationPatient]: { vr: 'DS', Value: o.iop ?? [1, 0, 0, 0, 1, 0] },
    [Tag.Rows]: { vr: 'US', Value: [48] },
    [Tag.Columns]: { vr: 'US', Value: [48] },
  };
  if (o.description !== undefined) ds[Tag.SeriesDescription] = { vr: 'LO', Value: [o.description] };
  if (o.tpi !== undefined) ds['00200100'] = { vr: 'IS', Value: [o.tpi] };
  if (o.trigger !== undefined) ds['00181060'] = { vr: 'DS', Value: [o.trigger] };
  if (o.comments !== undefined) ds['00204000'] = { vr: 'LT', Value: [o.comments] };
  return { seriesUid: o.series, dataset: ds };
}

const zOf = (k: number): number => -10 + 2.5 * k;
const sopOf = (ds: DicomJsonDataset): string => String(ds[Tag.SOPInstanceUID]!.Value![0]);

/** n phases × `slices` positions in one series, tagged as `tags` says; `skip` leaves out (phase, slice) pairs. */
function oneSeries(n: number, slices: number, tags: 'tpi+comments' | 'tpi' | 'trigger' | 'none', skip: [number, number][] = []): PhaseInstance[] {
  const out: PhaseInstance[] = [];
  for (let p = 0; p < n; p++)
    for (let k = 0; k < slices; k++) {
      if (skip.some(([sp, sk]) => sp === p && sk === k)) continue;
      out.push(image({
        series: '1.2.3.1', z: zOf(k), sop: `1.2.3.1.${p + 1}.${k + 1}`, description: '4DCT',
        tpi: tags.startsWith('tpi') ? p + 1 : undefined,
        trigger: tags === 'trigger' ? (4000 * p) / n : undefined,
        comments: tags === 'tpi+comments' ? `Respiratory phase ${(100 * p) / n}%` : undefined,
      }));
    }
  return out;
}

/** One series per phase, described by `describe(percent)`. */
function seriesPerPhase(n: number, slices: number, describe: (percent: number) => string, slicesOf: (p: number) => number[] = () => [...Array(slices).keys()]): PhaseInstance[] {
  return Array.from({ length: n }, (_, p) =>
    slicesOf(p).map((k) => image({ series: `1.2.3.2.${p + 1}`, z: zOf(k), sop: `1.2.3.2.${p + 1}.${k + 1}`, description: describe((100 * p) / n) })),
  ).flat();
}

function phasesOf(split: PhaseSplit): Extract<PhaseSplit, { kind: 'phases' }> {
  if (split.kind !== 'phases') throw new Error(`expected phases, got: ${split.reason}`);
  return split;
}

/** What a user sees of a split: labels, each phase's images in order, the warnings or the reason. */
function summary(split: PhaseSplit): unknown {
  return split.kind === 'phases'
    ? { ...split, phases: split.phases.map((p) => ({ ...p, datasets: p.datasets.map(sopOf) })) }
    : split;
}

/** The images' z along the normal, in the order given. */
const zs = (datasets: readonly DicomJsonDataset[]): number[] => datasets.map((d) => Number(d[Tag.ImagePositionPatient]!.Value![2]));

describe('percentFromDescription', () => {
  it.each([
    ['4DCT 30%', 30], ['30 %', 30], ['Phase 30', 30], ['T=30%', 30], ['CT 30.0%', 30], ['4D 0%', 0], ['Resp 12.5 %', 12.5], ['phase: 90', 90],
  ])('reads %s as %d %%', (text, percent) => {
    expect(percentFromDescription(text)).toBe(percent);
  });

  it.each(['4DCT', 'MIP 0-90%', '4DCT AVG', 'Average 0 - 90 %', 'CT 2.5 mm', 'Phase 130', ''])('finds no phase in "%s"', (text) => {
    expect(percentFromDescription(text)).toBeUndefined();
  });
});

describe('splitPhases: one series holding every phase', () => {
  it('splits by Temporal Position Identifier, with the percentage from Image Comments, each phase in slice order', () => {
    // Reversed so that the sorting is the module's, not the input's.
    const split = phasesOf(splitPhases(oneSeries(10, 6, 'tpi+comments').reverse()));
    expect(split.phases.map((p) => p.label)).toEqual(['0 %', '10 %', '20 %', '30 %', '40 %', '50 %', '60 %', '70 %', '80 %', '90 %']);
    expect(split.phases.map((p) => p.percent)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(split.phases.map((p) => p.index)).toEqual([...Array(10).keys()]);
    expect(split.positionsPerPhase).toBe(6);
    expect(split.warnings).toEqual([]);
    for (const [p, phase] of split.phases.entries()) {
      expect(zs(phase.datasets)).toEqual([-10, -7.5, -5, -2.5, 0, 2.5]);
      expect(phase.datasets.every((d) => sopOf(d).startsWith(`1.2.3.1.${p + 1}.`))).toBe(true);
    }
  });

  it('names the phases by identifier when nothing gives their percentage (bins need not be even)', () => {
    const split = phasesOf(splitPhases(oneSeries(4, 3, 'tpi')));
    expect(split.phases.map((p) => p.label)).toEqual(['Phase 1', 'Phase 2', 'Phase 3', 'Phase 4']);
    expect(split.phases.every((p) => p.percent === undefined)).toBe(true);
  });

  it('splits by Trigger Time when each value is one phase at every position', () => {
    const split = phasesOf(splitPhases(oneSeries(5, 4, 'trigger')));
    expect(split.phases.map((p) => p.label)).toEqual(['0 ms', '800 ms', '1600 ms', '2400 ms', '3200 ms']);
    expect(split.positionsPerPhase).toBe(4);
  });

  it('does not take per-image trigger times for phases', () => {
    // Every image its own trigger time (as an actual-time stamp would be): 8 values, at most 2 images per position.
    const images = oneSeries(2, 4, 'none').map((im, i) => image({ series: '1.2.3.1', z: Number(im.dataset[Tag.ImagePositionPatient]!.Value![2]), sop: sopOf(im.dataset), trigger: 100 * i }));
    const split = splitPhases(images);
    expect(split.kind).toBe('not-4d');
    expect(split.kind === 'not-4d' && split.reason).toMatch(/2 images at each of its 4 positions.*cannot be split/);
  });

  it('leaves out a phase that misses slices, naming it, and keeps the others on the common positions', () => {
    const split = phasesOf(splitPhases(oneSeries(10, 6, 'tpi+comments', [[4, 0], [4, 5]])));
    expect(split.phases.map((p) => p.percent)).toEqual([0, 10, 20, 30, 50, 60, 70, 80, 90]);
    expect(split.phases.map((p) => p.index)).toEqual([...Array(9).keys()]);
    expect(split.positionsPerPhase).toBe(6);
    expect(split.warnings).toEqual(['Phase 40 % lacks 2 of the 6 positions, so it is left out (every phase must cover the same slices).']);
  });
});

describe('splitPhases: one series per phase', () => {
  it('orders series named in any of the usual ways by percentage, ignoring MIP, average and other series', () => {
    const names = ['CT 0.0%', 'T=25%', 'Phase 50', '75 %'];
    const images = seriesPerPhase(4, 5, (p) => names[p / 25]!)
      // Given in reverse, plus derived and unrelated series of the same study and frame of reference.
      .reverse()
      .concat([0, 1, 2, 3, 4].flatMap((k) => [
        image({ series: '1.2.3.7', z: zOf(k), sop: `1.2.3.7.${k}`, description: 'MIP 0-75%' }),
        image({ series: '1.2.3.8', z: zOf(k), sop: `1.2.3.8.${k}`, description: '4DCT AVG' }),
        image({ series: '1.2.3.9', z: zOf(k), sop: `1.2.3.9.${k}`, description: 'Thorax 2.5 mm' }),
      ]));
    const split = phasesOf(splitPhases(images));
    expect(split.phases.map((p) => p.label)).toEqual(['0 %', '25 %', '50 %', '75 %']);
    expect(split.phases.map((p) => p.datasets.map(sopOf)[0])).toEqual(['1.2.3.2.1.1', '1.2.3.2.2.1', '1.2.3.2.3.1', '1.2.3.2.4.1']);
    expect(zs(split.phases[2]!.datasets)).toEqual([-10, -7.5, -5, -2.5, 0]);
    expect(split.warnings).toEqual([]);
  });

  it('prefers the description the caller gives (from QIDO) to the dataset\'s', () => {
    const images = seriesPerPhase(3, 2, () => 'CT').map((im) => ({ ...im, seriesDescription: `Gated ${Number(im.seriesUid.split('.').pop()) * 20}%` }));
    expect(phasesOf(splitPhases(images)).phases.map((p) => p.label)).toEqual(['20 %', '40 %', '60 %']);
  });

  it('leaves out a phase series that misses a slice, naming it', () => {
    const split = phasesOf(splitPhases(seriesPerPhase(10, 6, (p) => `4DCT ${p}%`, (p) => (p === 3 ? [0, 1, 2, 4, 5] : [0, 1, 2, 3, 4, 5]))));
    expect(split.phases).toHaveLength(9);
    expect(split.phases.some((p) => p.percent === 30)).toBe(false);
    expect(split.warnings).toEqual(['Phase 30 % lacks 1 of the 6 positions, so it is left out (every phase must cover the same slices).']);
  });

  it('leaves out a phase scanned over more slices than the others', () => {
    const split = phasesOf(splitPhases(seriesPerPhase(3, 4, (p) => `${p.toFixed(1)}%`, (p) => (p === 2 ? [0, 1, 2, 3, 4] : [0, 1, 2, 3]))));
    expect(split.phases.map((p) => p.label)).toEqual(['0 %', '33.3 %']);
    expect(split.warnings).toEqual(['Phase 66.7 % has 1 position the other phases lack, so it is left out (every phase must cover the same slices).']);
  });

  it('leaves out a phase series in another frame of reference, and a second series of the same percentage', () => {
    const images = seriesPerPhase(3, 3, (p) => `4DCT ${p.toFixed(0)}%`).concat(
      [0, 1, 2].map((k) => image({ series: '1.2.3.5', z: zOf(k), sop: `1.2.3.5.${k}`, description: '4DCT 50%', frameOfReference: '9.9.9' })),
      [0, 1, 2].map((k) => image({ series: '1.2.3.6', z: zOf(k), sop: `1.2.3.6.${k}`, description: 'Phase 33' })),
    );
    const split = phasesOf(splitPhases(images));
    expect(split.phases.map((p) => p.label)).toEqual(['0 %', '33 %', '67 %']);
    expect(split.warnings).toEqual([
      'Series "Phase 33" is a second 33 % phase and is left out.',
      'Series "4DCT 50%" is in another frame of reference than the other phases and is left out.',
    ]);
  });

  it('ignores a localizer of the study (another orientation)', () => {
    const images = seriesPerPhase(2, 3, (p) => `${p}%`).concat([
      image({ series: '1.2.3.0', z: 0, sop: '1.2.3.0.1', description: 'Topogram 0%', iop: [0, 1, 0, 0, 0, -1] }),
    ]);
    expect(phasesOf(splitPhases(images)).phases.map((p) => p.label)).toEqual(['0 %', '50 %']);
  });
});

describe('splitPhases: not 4D', () => {
  it('says a plain series is one volume', () => {
    const split = splitPhases(oneSeries(1, 6, 'none'));
    expect(split).toEqual({ kind: 'not-4d', reason: 'The series holds one image per position: it is one volume, not several respiratory phases.' });
  });

  it('refuses repeated positions that nothing tells apart, with the viewer\'s message', () => {
    const images = oneSeries(2, 6, 'none');
    const reason = unsplittableReason(images.map((i) => i.dataset));
    expect(reason).toBe(
      'The series holds 2 images at each of its 6 positions, and nothing says which phase or time point each belongs to (no Temporal Position Identifier or Trigger Time that tells them apart): it cannot be split into volumes. Open it as a stack.',
    );
    expect(splitPhases(images)).toEqual({ kind: 'not-4d', reason });
  });

  it('has no refusal for a series that can be split or has no repeated position', () => {
    expect(unsplittableReason(oneSeries(3, 4, 'tpi').map((i) => i.dataset))).toBeUndefined();
    expect(unsplittableReason(oneSeries(1, 4, 'none').map((i) => i.dataset))).toBeUndefined();
  });

  it('needs two phases covering the same slices', () => {
    const split = splitPhases(seriesPerPhase(2, 4, (p) => `4DCT ${p}%`, (p) => (p === 1 ? [0, 1] : [0, 1, 2, 3])));
    expect(split.kind).toBe('not-4d');
    expect(split.kind === 'not-4d' && split.reason).toMatch(/^Fewer than two phases cover the same slices\. Phase 50 % lacks 2 of the 4 positions/);
  });

  it('needs two series named by percentage', () => {
    const images = seriesPerPhase(1, 3, () => '4DCT 30%').concat([0, 1, 2].map((k) => image({ series: '1.2.3.9', z: zOf(k), sop: `1.2.3.9.${k}`, description: 'CT' })));
    const split = splitPhases(images);
    expect(split.kind === 'not-4d' && split.reason).toMatch(/^Only one respiratory phase was found\. Fewer than two of the 2 series/);
  });

  it('explains images that cannot be placed', () => {
    const noPosition = oneSeries(2, 2, 'tpi').map((im) => {
      const { [Tag.ImagePositionPatient]: _drop, ...rest } = im.dataset;
      return { ...im, dataset: rest };
    });
    expect(splitPhases(noPosition)).toEqual({ kind: 'not-4d', reason: 'Some images have no Image Position or Orientation (Patient), so their table positions cannot be compared.' });
    expect(splitPhases([])).toEqual({ kind: 'not-4d', reason: 'There are no images to split into phases.' });
  });
});

describe('splitPhases: order of the input', () => {
  const cases: [string, PhaseInstance[]][] = [
    ['one series, a phase missing a slice', oneSeries(4, 5, 'tpi+comments', [[2, 3]])],
    ['one series by trigger time', oneSeries(3, 4, 'trigger')],
    ['series per phase with a duplicate percentage and a stray series', seriesPerPhase(4, 4, (p) => `Phase ${p}`).concat(
      [0, 1, 2, 3].map((k) => image({ series: '1.2.3.0', z: zOf(k), sop: `1.2.3.0.${k}`, description: 'T=25%' })),
      [0, 1].map((k) => image({ series: '1.2.3.9', z: zOf(k), sop: `1.2.3.9.${k}`, description: 'MIP' })),
    )],
    ['repeated positions without tags', oneSeries(3, 3, 'none')],
  ];

  it.each(cases)('gives the same split for any permutation: %s', (_name, images) => {
    const expected = summary(splitPhases(images));
    fc.assert(
      fc.property(fc.shuffledSubarray(images, { minLength: images.length, maxLength: images.length }), (shuffled) => {
        expect(summary(splitPhases(shuffled))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
