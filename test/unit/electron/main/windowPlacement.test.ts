/**
 * Window placement per set of monitors: remembered and restored for the same set, never off screen when a monitor
 * is gone, the viewer on the other (largest) monitor by default, and the file read defensively.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  displayOf,
  displaySetKey,
  fitInto,
  isVisible,
  MAX_DISPLAY_SETS,
  parseSavedPlacements,
  placementFor,
  rememberPlacement,
  type DisplayInfo,
  type Rect,
} from '../../../../electron/main/windowPlacement';

const display = (id: number, x: number, y: number, width: number, height: number, primary = false, scaleFactor = 1): DisplayInfo => ({
  id,
  bounds: { x, y, width, height },
  // A 40 px task bar at the bottom of each.
  workArea: { x, y, width, height: height - 40 },
  scaleFactor,
  primary,
});

const laptop = display(1, 0, 0, 1920, 1080, true);
const portraitRight = display(2, 1920, 0, 1080, 1920);
const big = display(3, -2560, 0, 2560, 1440);

describe('window placement', () => {
  it('keys a set of monitors by size, position and scale, not by id or order', () => {
    const again = { ...portraitRight, id: 99 };
    expect(displaySetKey([laptop, portraitRight])).toBe(displaySetKey([again, laptop]));
    expect(displaySetKey([laptop, portraitRight])).not.toBe(displaySetKey([laptop]));
    expect(displaySetKey([laptop])).not.toBe(displaySetKey([{ ...laptop, scaleFactor: 1.5 }]));
  });

  it('opens the main window centred on the primary monitor the first time', () => {
    const p = placementFor({}, [portraitRight, laptop], 'main');
    expect(p.source).toBe('default');
    expect(displayOf(p.bounds, [portraitRight, laptop]).id).toBe(laptop.id);
    expect(p.bounds.width).toBeLessThan(laptop.workArea.width);
  });

  it('opens a viewer window maximised on the largest monitor other than the main window’s', () => {
    const mainOnLaptop = { x: 100, y: 100, width: 1600, height: 900 };
    const p = placementFor({}, [laptop, portraitRight, big], 'viewer', mainOnLaptop);
    expect(p).toMatchObject({ maximized: true, bounds: big.workArea });
    // Main moved to the big one: the viewer goes to the next largest (a 1200×1920 portrait over the laptop).
    const tallPortrait = display(4, 1920, 0, 1200, 1920);
    expect(placementFor({}, [laptop, tallPortrait, big], 'viewer', { x: -2000, y: 50, width: 1500, height: 900 }).bounds).toEqual(tallPortrait.workArea);
    // One monitor: the viewer shares it.
    expect(placementFor({}, [laptop], 'viewer', mainOnLaptop).bounds).toEqual(laptop.workArea);
  });

  it('restores each window where it was for the same monitors, and the other set’s placement for the other set', () => {
    const two = [laptop, portraitRight];
    let saved = rememberPlacement({}, two, 'viewer', { bounds: { x: 1920, y: 0, width: 1080, height: 1880 }, maximized: true, fullScreen: false });
    saved = rememberPlacement(saved, two, 'main', { bounds: { x: 50, y: 60, width: 1200, height: 800 }, maximized: false, fullScreen: false });
    saved = rememberPlacement(saved, [laptop], 'main', { bounds: { x: 0, y: 0, width: 1920, height: 1040 }, maximized: true, fullScreen: false });
    expect(placementFor(saved, two, 'viewer')).toMatchObject({ source: 'saved', maximized: true, bounds: { x: 1920, width: 1080 } });
    expect(placementFor(saved, two, 'main')).toMatchObject({ source: 'saved', bounds: { x: 50, y: 60, width: 1200, height: 800 } });
    expect(placementFor(saved, [laptop], 'main')).toMatchObject({ source: 'saved', maximized: true });
  });

  it('never opens a window on a monitor that is gone: the saved place is dropped for the default', () => {
    // Saved for a set whose key matches (same sizes) but the window sits where no monitor is now is refused too.
    const saved = { [displaySetKey([laptop])]: { viewer: { bounds: { x: 1920, y: 0, width: 1080, height: 1880 }, maximized: true, fullScreen: false } } };
    const p = placementFor(saved, [laptop], 'viewer');
    expect(p.source).toBe('default');
    expect(isVisible(p.bounds, [laptop])).toBe(true);
  });

  it('pulls a window hanging over an edge back into its monitor', () => {
    expect(fitInto({ x: 1800, y: 900, width: 800, height: 600 }, laptop.workArea)).toEqual({ x: 1120, y: 440, width: 800, height: 600 });
    expect(fitInto({ x: -10, y: -10, width: 4000, height: 3000 }, laptop.workArea)).toEqual(laptop.workArea);
  });

  it('property: whatever was saved and whatever monitors there are, the window opens on screen and inside one work area', () => {
    const rect = fc.record({ x: fc.integer({ min: -8000, max: 8000 }), y: fc.integer({ min: -8000, max: 8000 }), width: fc.integer({ min: 50, max: 6000 }), height: fc.integer({ min: 50, max: 4000 }) });
    const monitors = fc.array(fc.record({ w: fc.integer({ min: 800, max: 3840 }), h: fc.integer({ min: 600, max: 2160 }) }), { minLength: 1, maxLength: 4 }).map((sizes) => {
      let x = 0;
      return sizes.map((s, i) => {
        const d = display(i + 1, x, 0, s.w, s.h, i === 0);
        x += s.w;
        return d;
      });
    });
    fc.assert(
      fc.property(monitors, rect, fc.constantFrom('main' as const, 'viewer' as const), fc.boolean(), (displays, bounds, role, maximized) => {
        const saved = rememberPlacement({}, displays, role, { bounds, maximized, fullScreen: false });
        const p = placementFor(saved, displays, role);
        const within = (r: Rect, a: Rect) => r.x >= a.x && r.y >= a.y && r.x + r.width <= a.x + a.width && r.y + r.height <= a.y + a.height;
        expect(displays.some((d) => within(p.bounds, d.workArea))).toBe(true);
      }),
    );
  });

  it(`forgets the least recently used set beyond ${MAX_DISPLAY_SETS}`, () => {
    let saved = {};
    for (let i = 0; i < MAX_DISPLAY_SETS + 2; i++) saved = rememberPlacement(saved, [display(1, 0, 0, 1000 + i, 800, true)], 'main', { bounds: { x: 0, y: 0, width: 500, height: 400 }, maximized: false, fullScreen: false });
    expect(Object.keys(saved)).toHaveLength(MAX_DISPLAY_SETS);
    expect(saved).not.toHaveProperty(displaySetKey([display(1, 0, 0, 1000, 800, true)]));
  });

  it('reads a saved file defensively: malformed entries are dropped', () => {
    const good = { bounds: { x: 1, y: 2, width: 300, height: 200 }, maximized: true, fullScreen: false };
    expect(parseSavedPlacements({ a: { main: good, viewer: { bounds: { x: 'no' } } }, b: 'x', c: { main: { bounds: { x: 0, y: 0, width: -5, height: 10 } } } })).toEqual({ a: { main: good } });
    expect(parseSavedPlacements(null)).toEqual({});
    expect(parseSavedPlacements([1, 2])).toEqual({});
  });
});
