import { describe, expect, it } from 'vitest';
import { chartGeometry, daysBetween, projectionText } from '../../../../../../renderer/features/status/model/usageChart';

const BOX = { width: 500, height: 200, left: 50, right: 10, top: 10, bottom: 30 };
const history = Array.from({ length: 90 }, (_, i) => ({ day: `2026-${String(1 + Math.floor(i / 30)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`, bytes: i * 100 }));
history[89] = { day: '2026-03-31', bytes: 8900 };

describe('storage chart geometry', () => {
  it('draws every day as a point of one path, scaled to the plot', () => {
    const g = chartGeometry({ history }, BOX)!;
    expect(g.points).toHaveLength(90);
    expect(g.path.startsWith('M50,')).toBe(true);
    expect(g.path.match(/L/g)).toHaveLength(89);
    expect(g.points[0]).toEqual({ x: 50, y: 170 });
    expect(g.points[89]!.x).toBe(490);
    expect(g.points[89]!.y).toBeGreaterThan(10);
    expect(g.quotaY).toBeUndefined();
    expect(g.projection).toBeUndefined();
    expect(chartGeometry({ history: [] }, BOX)).toBeUndefined();
  });

  it('adds the quota line and a dashed projection to the day the quota fills', () => {
    const g = chartGeometry({ history, quotaBytes: 12_000, projection: { bytesPerDay: 100, quotaFullOn: '2026-05-01' } }, BOX)!;
    expect(daysBetween('2026-03-31', '2026-05-01')).toBe(31);
    // 89 days of history + 31 to the fill day share the width.
    expect(g.points[89]!.x).toBeCloseTo(50 + (440 * 89) / 120, 0);
    expect(g.projection).toMatchObject({ x1: g.points[89]!.x, y1: g.points[89]!.y, x2: 490, label: '2026-05-01' });
    expect(g.projection!.y2).toBeCloseTo(g.quotaY!, 0);
    expect(g.quotaY).toBeLessThan(g.points[89]!.y);
    // A fill day far away is clipped to 90 days after today and labelled with an arrow.
    const far = chartGeometry({ history, quotaBytes: 1e9, projection: { bytesPerDay: 100, quotaFullOn: '2300-01-01' } }, BOX)!;
    expect(far.projection!.label).toBe('→ 2300-01-01');
    expect(far.projection!.x2).toBe(490);
  });

  it('says when the quota fills', () => {
    expect(projectionText({ projection: { bytesPerDay: 2048, quotaFullOn: '2026-05-01' }, quotaBytes: 1e6 })).toBe('At the current growth (2.0 KB/day) the quota fills around 2026-05-01');
    expect(projectionText({ projection: { bytesPerDay: 2048 } })).toMatch(/set a quota/);
    expect(projectionText({ projection: { bytesPerDay: 0 }, quotaBytes: 5 })).toMatch(/did not grow/);
    expect(projectionText({})).toBeUndefined();
  });
});
