import { describe, expect, it } from 'vitest';
import { addDays, dayKey, projectUsage, usageHistory } from '../../../../../electron/services/archive/usageHistory';

// Local noon of a calendar day: the day keys are local, so the tests hold in every time zone.
const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).getTime();
const NOW = at(2026, 3, 31, 9);

describe('usage history', () => {
  it('gives 90 local days ending today, cumulative, with evictions lowering their own day', () => {
    const h = usageHistory(
      [
        { bytes: 1000, storedAt: at(2025, 6, 1) }, // before the window: the starting total
        { bytes: 500, storedAt: at(2025, 6, 2), removedAt: at(2025, 7, 1) }, // stored and removed before the window
        { bytes: 200, storedAt: at(2026, 3, 1, 23) },
        { bytes: 300, storedAt: at(2026, 3, 10, 0), removedAt: at(2026, 3, 20, 8) },
        { bytes: 50, storedAt: at(2026, 4, 2) }, // in the future (clock skew): not counted
      ],
      NOW,
    );
    expect(h).toHaveLength(90);
    expect(h[h.length - 1]!.day).toBe('2026-03-31');
    expect(h[0]!.day).toBe(addDays(NOW, -89));
    expect(h[0]!.bytes).toBe(1000);
    const byDay = new Map(h.map((d) => [d.day, d.bytes]));
    expect(byDay.get('2026-02-28')).toBe(1000);
    expect(byDay.get('2026-03-01')).toBe(1200);
    expect(byDay.get('2026-03-09')).toBe(1200);
    expect(byDay.get('2026-03-10')).toBe(1500);
    expect(byDay.get('2026-03-19')).toBe(1500);
    expect(byDay.get('2026-03-20')).toBe(1200);
    expect(byDay.get('2026-03-31')).toBe(1200);
  });

  it('formats local days and steps over month ends and DST changes', () => {
    expect(dayKey(at(2026, 1, 5, 0))).toBe('2026-01-05');
    expect(dayKey(at(2026, 1, 5, 23))).toBe('2026-01-05');
    expect(addDays(at(2026, 2, 27), 2)).toBe('2026-03-01');
    expect(addDays(at(2026, 3, 28), 2)).toBe('2026-03-30');
    expect(addDays(at(2026, 10, 24), 3)).toBe('2026-10-27');
    const days = usageHistory([], at(2026, 11, 30)).map((d) => d.day);
    expect(new Set(days).size).toBe(90);
    expect([...days].sort()).toEqual(days);
  });

  it('projects linearly from the last 30 days to the day the quota fills', () => {
    // 100 bytes a day for the last 60 days.
    const spans = Array.from({ length: 60 }, (_, i) => ({ bytes: 100, storedAt: NOW - i * 86_400_000 }));
    const h = usageHistory(spans, NOW);
    expect(h[h.length - 1]!.bytes).toBe(6000);
    expect(projectUsage(h, undefined, NOW)).toEqual({ bytesPerDay: 100 });
    expect(projectUsage(h, 10_000, NOW)).toEqual({ bytesPerDay: 100, quotaFullOn: '2026-05-10' }); // 40 days
    expect(projectUsage(h, 6050, NOW)).toEqual({ bytesPerDay: 100, quotaFullOn: '2026-04-01' });
    expect(projectUsage(h, 5000, NOW)).toEqual({ bytesPerDay: 100, quotaFullOn: '2026-03-31' }); // already over
    expect(projectUsage(h, 1e15, NOW)).toEqual({ bytesPerDay: 100 }); // beyond 100 years: no date
    expect(projectUsage(h, 10_000, NOW, { currentBytes: 9000 }).quotaFullOn).toBe('2026-04-10');
  });

  it('has no fill date without growth', () => {
    const flat = usageHistory([{ bytes: 100, storedAt: at(2025, 1, 1) }], NOW);
    expect(projectUsage(flat, 1000, NOW)).toEqual({ bytesPerDay: 0 });
    const shrinking = usageHistory([{ bytes: 100, storedAt: at(2025, 1, 1), removedAt: at(2026, 3, 20) }], NOW);
    expect(projectUsage(shrinking, 1000, NOW)).toEqual({ bytesPerDay: 0 });
    expect(projectUsage([], 1000, NOW)).toEqual({ bytesPerDay: 0 });
  });
});
