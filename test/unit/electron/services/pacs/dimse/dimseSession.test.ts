import { describe, expect, it } from 'vitest';
import { randomMessageId } from '../../../../../../electron/services/pacs/dimse/dimseSession';

describe('randomMessageId', () => {
  it('draws 16-bit message IDs that cannot be predicted from the previous one', () => {
    const ids = Array.from({ length: 2000 }, () => randomMessageId());
    expect(ids.every((id) => Number.isInteger(id) && id >= 1 && id <= 0xffff)).toBe(true);
    // Sequential numbering (the old scheme) would make every step +1; random draws almost never do.
    const steps = ids.slice(1).filter((id, i) => id === ids[i]! + 1).length;
    expect(steps).toBeLessThan(5);
    expect(new Set(ids).size).toBeGreaterThan(1900);
  });
});
