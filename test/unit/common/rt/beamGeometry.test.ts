import { describe, expect, it } from 'vitest';
import { sourceDirectionHfs } from '../../../../common/rt/beamGeometry';

const close = (v: number[] | undefined, e: number[]) => {
  expect(v).toBeDefined();
  v!.forEach((x, i) => expect(x).toBeCloseTo(e[i]!, 9));
};

describe('sourceDirectionHfs', () => {
  it('gantry 0° is above a supine patient (anterior, −y); 90° at the patient’s left (+x); 180° posterior; 270° right', () => {
    close(sourceDirectionHfs(0), [0, -1, 0]);
    close(sourceDirectionHfs(90), [1, 0, 0]);
    close(sourceDirectionHfs(180), [0, 1, 0]);
    close(sourceDirectionHfs(270), [-1, 0, 0]);
  });
  it('a couch turn takes a lateral beam out of the axial plane; an anterior beam stays anterior', () => {
    close(sourceDirectionHfs(0, 90), [0, -1, 0]);
    const d = sourceDirectionHfs(90, 90)!;
    expect(Math.abs(d[2])).toBeCloseTo(1, 9);
    expect(sourceDirectionHfs(Number.NaN)).toBeUndefined();
  });
});
