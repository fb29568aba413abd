import { describe, expect, it } from 'vitest';
import { compactRemoved, type RemovedSpan } from '../../../../../electron/services/archive/usage';

const DAY = 86_400_000;
const NOW = new Date(2026, 2, 31, 9).getTime();

describe('removals kept at compaction', () => {
  it('drops removals older than the history window (91 days) and merges the rest per minute', () => {
    const stored = NOW - 200 * DAY;
    const removed: RemovedSpan[] = [
      [stored, NOW - 92 * DAY, 1000], // removed before the window: no effect on any day shown
      [stored, NOW - 90 * DAY, 10],
      [stored + 5_000, NOW - 90 * DAY + 5_000, 20], // same minute of storing and of removing: merged
      [stored, NOW - 90 * DAY + 60_000, 40], // removed a minute later: kept apart
      [NOW - DAY, NOW, 80],
    ];
    expect(compactRemoved(removed, NOW)).toEqual([
      [stored, NOW - 90 * DAY, 30],
      [stored, NOW - 90 * DAY + 60_000, 40],
      [NOW - DAY, NOW, 80],
    ]);
    expect(removed[1]).toEqual([stored, NOW - 90 * DAY, 10]); // the input is left as it was
  });
});
