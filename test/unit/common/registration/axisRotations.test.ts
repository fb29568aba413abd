/** The 24 named axis rotations and the patient-terms descriptions the registration warnings use. */
import { describe, expect, it } from 'vitest';
import { AXIS_ROTATIONS, describeRotation, nearestAxisRotation, rotationAngleAxis } from '../../../../common/registration/axisRotations';
import { rotationFromVector } from '../../../../common/registration';

describe('axis rotations', () => {
  it('are the 24 distinct proper rotations of the cube, the identity named header and first', () => {
    expect(AXIS_ROTATIONS).toHaveLength(24);
    expect(new Set(AXIS_ROTATIONS.map((r) => r.name)).size).toBe(24);
    expect(AXIS_ROTATIONS[0]!.name).toBe('header');
    const names = AXIS_ROTATIONS.map((r) => r.name);
    for (const axis of ['lr', 'ap', 'vertical']) for (const deg of [90, 180, 270]) expect(names).toContain(`rot${deg}-${axis}`);
    expect(names.filter((n) => n.startsWith('axis-permutation-'))).toHaveLength(14);
  });

  it('name a quarter turn by its right-handed sense about the patient axis', () => {
    expect(nearestAxisRotation(rotationFromVector([0, 0, Math.PI / 2])).rotation.name).toBe('rot90-vertical');
    expect(nearestAxisRotation(rotationFromVector([0, 0, -Math.PI / 2])).rotation.name).toBe('rot270-vertical');
    expect(nearestAxisRotation(rotationFromVector([Math.PI, 0, 0])).rotation.name).toBe('rot180-lr');
  });

  it('describe turns in patient terms, snapping within 15° and giving the axis otherwise', () => {
    expect(describeRotation(rotationFromVector([0, Math.PI, 0]))).toBe("turned 180° about the patient's anterior-posterior axis");
    expect(describeRotation(rotationFromVector([0, 0, (95 * Math.PI) / 180]))).toBe("turned 90° about the patient's vertical (head-foot) axis");
    const d = 1 / Math.sqrt(3);
    expect(describeRotation(rotationFromVector([(d * 2 * Math.PI) / 3, (d * 2 * Math.PI) / 3, (d * 2 * Math.PI) / 3]))).toBe('turned by 120° about axis (0.58, 0.58, 0.58)');
    expect(describeRotation(rotationFromVector([0.8, 0, 0.6]))).toBe('turned by 57° about axis (0.80, 0.00, 0.60)');
  });

  it('recover angle and axis near a half turn', () => {
    const { angle, axis } = rotationAngleAxis(rotationFromVector([0, Math.PI * 0.9999, 0]));
    expect(angle).toBeCloseTo(Math.PI, 3);
    expect(axis[1]).toBeCloseTo(1, 3);
  });
});
