import { describe, expect, it } from 'vitest';
import { directionLetters, markersFromScreenAxes, orientationMarkers, screenAxesFromIop } from '../../../../../renderer/imaging/stack/orientation';
import { chooseScaleBar } from '../../../../../renderer/imaging/stack/scaleBar';
import { autoWindow, TOOLBAR_PRESETS, WL_PRESETS, windowToRange } from '../../../../../renderer/imaging/stack/presets';
import { clampFps, keyFor, stackKeyAction } from '../../../../../renderer/imaging/stack/keymap';
import { formatValue, summarizeMeasurements, type AnnotationLike } from '../../../../../renderer/imaging/stack/measurements';
import { DEFAULT_SHORTCUTS } from '../../../../../common/viewer/shortcuts';
import { formatMm, slicePosition } from '../../../../../renderer/imaging/stack/slicePosition';

const AXIAL = [1, 0, 0, 0, 1, 0];
const CORONAL = [1, 0, 0, 0, 0, -1];
const SAGITTAL = [0, 1, 0, 0, 0, -1];
const none = { flipHorizontal: false, flipVertical: false, rotation: 0 };

describe('orientation markers', () => {
  it('reads the standard planes', () => {
    expect(orientationMarkers(AXIAL, none)).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(orientationMarkers(CORONAL, none)).toEqual({ left: 'R', right: 'L', top: 'H', bottom: 'F' });
    expect(orientationMarkers(SAGITTAL, none)).toEqual({ left: 'A', right: 'P', top: 'H', bottom: 'F' });
  });

  it('follows flips', () => {
    expect(orientationMarkers(AXIAL, { ...none, flipHorizontal: true })).toEqual({ left: 'L', right: 'R', top: 'A', bottom: 'P' });
    expect(orientationMarkers(AXIAL, { ...none, flipVertical: true })).toEqual({ left: 'R', right: 'L', top: 'P', bottom: 'A' });
  });

  it('follows clockwise rotation: what was at the top goes to the right', () => {
    expect(orientationMarkers(AXIAL, { ...none, rotation: 90 })).toEqual({ top: 'R', right: 'A', bottom: 'L', left: 'P' });
    expect(orientationMarkers(AXIAL, { ...none, rotation: 180 })).toEqual({ top: 'P', right: 'R', bottom: 'A', left: 'L' });
    expect(orientationMarkers(AXIAL, { ...none, rotation: 270 })).toEqual({ top: 'L', right: 'P', bottom: 'R', left: 'A' });
    expect(orientationMarkers(AXIAL, { ...none, rotation: 360 })).toEqual(orientationMarkers(AXIAL, none));
  });

  it('mirrors first, then rotates', () => {
    // Flip H then 90° clockwise: right shows what was at the top (A), top shows what the flip put left (L).
    expect(orientationMarkers(AXIAL, { flipHorizontal: true, flipVertical: false, rotation: 90 })).toEqual({ top: 'L', right: 'A', bottom: 'R', left: 'P' });
  });

  it('names oblique directions by their main components', () => {
    const s = Math.SQRT1_2;
    expect(directionLetters([s, -s, 0])).toBe('LA');
    expect(directionLetters([0.95, 0.05, 0.3])).toBe('LH');
    expect(directionLetters([0, 0, 0])).toBe('');
    expect(markersFromScreenAxes([0, 0, -1], [0, 1, 0])).toEqual({ right: 'F', left: 'H', bottom: 'P', top: 'A' });
  });

  it('refuses incomplete orientation', () => {
    expect(orientationMarkers([1, 0, 0], none)).toBeUndefined();
    expect(orientationMarkers([1, 0, 0, 0, NaN, 0], none)).toBeUndefined();
  });

  it('keeps axes orthonormal under rotation', () => {
    const { right, down } = screenAxesFromIop(CORONAL, { ...none, rotation: 270 });
    expect(right[0] * down[0] + right[1] * down[1] + right[2] * down[2]).toBeCloseTo(0);
  });
});

describe('scale bar', () => {
  it('picks the longest 1-2-5 length that fits', () => {
    // 0.78125 mm/px, at most 120 px → 93.75 mm available → 50 mm (64 px).
    expect(chooseScaleBar(0.78125, 120)).toEqual({ mm: 50, px: 64, label: '5 cm' });
    expect(chooseScaleBar(0.1, 120)).toMatchObject({ mm: 10, label: '1 cm' });
    expect(chooseScaleBar(0.05, 120)).toMatchObject({ mm: 5, px: 100, label: '5 mm' });
    expect(chooseScaleBar(2, 120)).toMatchObject({ mm: 200 });
    expect(chooseScaleBar(0.001, 120)).toMatchObject({ mm: 0.1 });
  });

  it('is absent when spacing is unknown', () => {
    expect(chooseScaleBar(0)).toBeUndefined();
    expect(chooseScaleBar(NaN)).toBeUndefined();
    expect(chooseScaleBar(-1)).toBeUndefined();
  });
});

describe('window presets', () => {
  it('has the CT presets of the shared keyboard map on keys 1–5', () => {
    expect(WL_PRESETS.slice(0, 5).map((p) => [p.key, p.id, p.windowWidth, p.windowCenter])).toEqual([
      ['1', 'brain', 80, 40],
      ['2', 'lung', 1500, -600],
      ['3', 'bone', 2500, 480],
      ['4', 'abdomen', 400, 50],
      ['5', 'mediastinum', 350, 50],
    ]);
    expect(TOOLBAR_PRESETS.map((p) => p.id)).toEqual(['brain', 'lung', 'bone', 'abdomen', 'mediastinum']);
    expect(windowToRange({ windowWidth: 1500, windowCenter: -600 })).toEqual({ lower: -1350, upper: 150 });
  });

  it('computes an automatic window from the values, ignoring outliers', () => {
    const values = new Float32Array(10000);
    for (let i = 0; i < values.length; i++) values[i] = i % 1000; // 0..999 uniform
    values[0] = 100000; // one hot pixel
    const w = autoWindow(values)!;
    expect(w.windowCenter).toBeGreaterThan(400);
    expect(w.windowCenter).toBeLessThan(600);
    expect(w.windowWidth).toBeGreaterThan(900);
    expect(w.windowWidth).toBeLessThan(1200);
    expect(autoWindow([])).toBeUndefined();
    expect(autoWindow([7, 7, 7])).toEqual({ windowWidth: 1, windowCenter: 7 });
  });
});

describe('keys', () => {
  it('maps the documented keys', () => {
    expect(stackKeyAction({ key: '2' })).toMatchObject({ kind: 'preset', preset: { id: 'lung' } });
    expect(stackKeyAction({ key: '0' })).toEqual({ kind: 'imageWindow' });
    expect(stackKeyAction({ key: '9' })).toMatchObject({ kind: 'preset', preset: { id: 'temporal-bone' } });
    expect(stackKeyAction({ key: '!', code: 'Digit1', shiftKey: true })).toBeUndefined();
    expect(stackKeyAction({ key: 'PageDown' })).toEqual({ kind: 'scroll', delta: 10 });
    expect(stackKeyAction({ key: 'PageUp' })).toEqual({ kind: 'scroll', delta: -10 });
    expect(stackKeyAction({ key: 'ArrowUp' })).toEqual({ kind: 'scroll', delta: -1 });
    expect(stackKeyAction({ key: ' ' })).toEqual({ kind: 'cine' });
    expect(stackKeyAction({ key: 'r' })).toEqual({ kind: 'reset' });
    expect(stackKeyAction({ key: 'i' })).toEqual({ kind: 'invert' });
    expect(stackKeyAction({ key: 'H' })).toEqual({ kind: 'flipH' });
    expect(stackKeyAction({ key: 'v' })).toEqual({ kind: 'flipV' });
    expect(stackKeyAction({ key: '.' })).toEqual({ kind: 'rotate', degrees: 90 });
    expect(stackKeyAction({ key: ',' })).toEqual({ kind: 'rotate', degrees: -90 });
    expect(stackKeyAction({ key: 'Home' })).toEqual({ kind: 'first' });
    expect(stackKeyAction({ key: 'Delete' })).toEqual({ kind: 'deleteSelected' });
    const tools = Object.fromEntries('WZPLAETB'.split('').map((k) => [k, (stackKeyAction({ key: k.toLowerCase() }) as { tool: string }).tool]));
    expect(tools).toEqual({ W: 'WindowLevel', Z: 'Zoom', P: 'Pan', L: 'Length', A: 'Angle', E: 'EllipticalROI', T: 'RectangleROI', B: 'Probe' });
  });

  it('leaves other keys to the page: browser shortcuts, layouts, next series', () => {
    expect(stackKeyAction({ key: 'r', ctrlKey: true })).toBeUndefined();
    expect(stackKeyAction({ key: 'x' })).toBeUndefined();
    expect(stackKeyAction({ key: '1', altKey: true })).toBeUndefined();
    expect(stackKeyAction({ key: 'n' })).toBeUndefined();
  });

  it('follows a user map and names keys for titles', () => {
    expect(stackKeyAction({ key: 'k' }, { ...DEFAULT_SHORTCUTS, toolLength: ['K'] })).toEqual({ kind: 'tool', tool: 'Length' });
    expect(keyFor('toolEllipseRoi')).toBe('E');
    expect(keyFor('rotateRight')).toBe('.');
    expect(keyFor('cine')).toBe('Space');
  });

  it('clamps cine speed to 1–60 fps', () => {
    expect(clampFps(0)).toBe(1);
    expect(clampFps(120)).toBe(60);
    expect(clampFps(NaN)).toBe(10);
  });
});

describe('measurement list', () => {
  const ids = ['wadors:a', 'wadors:b'];
  const ann = (uid: string, toolName: string, imageId: string, stats: Record<string, unknown>): AnnotationLike => ({
    annotationUID: uid,
    metadata: { toolName, referencedImageId: imageId },
    data: { cachedStats: { [`imageId:${imageId}`]: stats } },
  });

  it('sums up each tool in drawing order, only for this stack', () => {
    const rows = summarizeMeasurements(
      [
        ann('1', 'Length', 'wadors:b', { length: 42.345, unit: 'mm' }),
        ann('2', 'EllipticalROI', 'wadors:a', { mean: -512.26, stdDev: 10.04, min: -900, max: 20, area: 1234.5, areaUnit: 'mm²', modalityUnit: 'HU' }),
        ann('3', 'Probe', 'wadors:a', { value: -1000, modalityUnit: 'HU' }),
        ann('4', 'Angle', 'wadors:a', { angle: 90 }),
        ann('5', 'Length', 'wadors:other', { length: 1 }),
        ann('6', 'ArrowAnnotate', 'wadors:a', {}),
      ],
      ids,
    );
    expect(rows.map((r) => [r.uid, r.number, r.slice, r.text])).toEqual([
      ['1', 1, 2, 'Length: 42.3 mm'],
      ['2', 2, 1, 'Ellipse: mean \u2212512.3 HU, SD 10.0, min \u2212900.0, max 20.0, area 1235 mm²'],
      ['3', 3, 1, 'Probe: \u22121000 HU'],
      ['4', 4, 1, 'Angle: 90.0°'],
    ]);
    expect(rows[1]!.stats).toMatchObject({ mean: -512.26, stdDev: 10.04, area: 1234.5, valueUnit: 'HU' });
  });

  it('shows pending stats as an ellipsis', () => {
    expect(summarizeMeasurements([ann('1', 'RectangleROI', 'wadors:a', {})], ids)[0]!.text).toBe('Rectangle: …');
    expect(formatValue(-0.04)).toBe('\u22120.0');
  });
});

describe('slice position', () => {
  it('prefers Slice Location, else projects Image Position on the normal', () => {
    expect(slicePosition(-742.5, [1, 2, 3], AXIAL)).toBe(-742.5);
    expect(slicePosition(undefined, [-201, -59, -660.8], AXIAL)).toBeCloseTo(-660.8);
    expect(slicePosition(undefined, [10, 20, 30], SAGITTAL)).toBeCloseTo(-10);
    expect(slicePosition(undefined, undefined, AXIAL)).toBeUndefined();
    expect(formatMm(-742.5)).toBe('-742.5 mm');
    expect(formatMm(-0.01)).toBe('0 mm');
  });
});
