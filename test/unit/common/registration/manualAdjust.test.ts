/**
 * Manual adjustment maths: a drag on a fused view moves the overlay by the dragged millimetres along the screen's
 * axes in patient space; rotations turn about the view's normal through the given centre; each gesture is applied
 * after the current transform (in the base's space).
 */
import { describe, expect, it } from 'vitest';
import {
  keyNudge,
  patientToScreenDelta,
  rotateTransformAbout,
  screenAngle,
  screenDeltaToPatient,
  signedAngleAbout,
  translateTransform,
} from '../../../../common/registration/manualAdjust';
import { affineToMatrix4, applyAffine, matrix4ToAffine, rigidAffine, rotationFromEuler } from '../../../../common/registration';

// cornerstone3D's MPR cameras (constants/mprCameraValues): axial looks from the feet, sagittal from the left.
const axial = { viewPlaneNormal: [0, 0, -1], viewUp: [0, -1, 0], parallelScale: 100 };
const sagittal = { viewPlaneNormal: [1, 0, 0], viewUp: [0, 0, 1], parallelScale: 100 };
const close = (a: readonly number[], b: readonly number[], digits = 9) => a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, digits));
const apply = (m: number[][], p: [number, number, number]) => applyAffine(matrix4ToAffine(m), p);

describe('screen ↔ patient', () => {
  it('axial: 50 px right and 25 px down on a 400 px view of 200 mm is +25 mm x and +12.5 mm y (posterior)', () => {
    close(screenDeltaToPatient(axial, 400, 50, 25), [25, 12.5, 0]);
    const back = patientToScreenDelta(axial, 400, [25, 12.5, 0]);
    expect(back.dx).toBeCloseTo(50, 9);
    expect(back.dy).toBeCloseTo(25, 9);
  });
  it('sagittal: right on screen is anterior→posterior (+y), up is head (+z)', () => {
    close(screenDeltaToPatient(sagittal, 200, 10, -20), [0, 10, 20]);
  });
});

describe('composition with the current transform', () => {
  const T = affineToMatrix4(rigidAffine(rotationFromEuler(0.2, 0.1, -0.3), [0, 0, 0], [3, -4, 5]));
  it('a translation moves every overlay point by the same displacement after T', () => {
    const next = translateTransform(T, [1, 2, 3]);
    const p: [number, number, number] = [10, 20, 30];
    close(apply(next, p), apply(T, p).map((x, i) => x + [1, 2, 3][i]!));
    close(apply(translateTransform(undefined, [0, 0, 7]), p), [10, 20, 37]);
  });
  it('a rotation about the normal keeps the centre and the normal fixed and turns in-plane offsets by the angle', () => {
    const centre: [number, number, number] = [5, -5, 40];
    const R = rotateTransformAbout(undefined, axial.viewPlaneNormal, Math.PI / 2, centre);
    close(apply(R, centre), centre);
    close(apply(R, [5, -5, 50]), [5, -5, 50]); // along the axis
    // About −z by +90°: +x turns to −y.
    close(apply(R, [15, -5, 40]), [5, -15, 40]);
    const RT = rotateTransformAbout(T, axial.viewPlaneNormal, 0.3, centre);
    const p: [number, number, number] = [1, 2, 3];
    const R03 = rotateTransformAbout(undefined, axial.viewPlaneNormal, 0.3, centre);
    close(apply(RT, p), apply(R03, apply(T, p)));
  });
  it('the angle from a drag: a quarter turn about the normal, signed so that rotating by it maps start onto end', () => {
    const a = [10, 0, 0];
    const b = [0, -10, 0];
    const angle = signedAngleAbout(axial.viewPlaneNormal, a, b);
    expect(angle).toBeCloseTo(Math.PI / 2, 9);
    close(apply(rotateTransformAbout(undefined, axial.viewPlaneNormal, angle, [0, 0, 0]), [10, 0, 0]), [0, -10, 0]);
    // On screen (y down) the same drag, right → up, is a quarter turn anticlockwise: −90° as CSS rotate.
    expect(screenAngle({ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: -10 })).toBeCloseTo(-Math.PI / 2, 9);
  });
});

describe('keyNudge', () => {
  it('arrows move 1 mm along the screen axes (Shift 10 mm); [ and ] turn 1° about the normal', () => {
    expect(keyNudge('ArrowRight', false, axial)).toEqual({ kind: 'translate', delta: [1, 0, 0] });
    const up = keyNudge('ArrowUp', true, axial);
    expect(up?.kind).toBe('translate');
    close((up as { delta: number[] }).delta, [0, -10, 0]);
    expect(keyNudge(']', false, axial)).toEqual({ kind: 'rotate', angle: -Math.PI / 180 });
    expect(keyNudge('[', true, axial)).toEqual({ kind: 'rotate', angle: (10 * Math.PI) / 180 });
    expect(keyNudge('a', false, axial)).toBeUndefined();
  });
});
