/**
 * Rendering: frame time (input → IMAGE_RENDERED → one pixel read back, so the GPU has finished) for stack
 * scroll, one MPR view scrolled, three MPR views re-windowed together, and a VR rotation, at the viewport
 * sizes Dokuei uses in a 1280×760 window. Dokuei is driven by real input (wheel, drags) on its loaded page;
 * the baseline page renders the same volume at the same sizes with stock cornerstone3D defaults.
 */
import type { Page } from 'playwright-core';
import { histogram } from '../lib/plots';
import type { Suite } from '../lib/types';
import { loadedViewers } from '../lib/viewers';

type Kind = 'stack' | 'mpr1' | 'mpr3' | 'vr';

/** Installs the in-page frame timer: t0 at the next wheel/mousemove, done when every element rendered and a pixel was read. */
async function installTimer(page: Page): Promise<void> {
  // A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
  await page.evaluate(`window.__benchFrame = (selectors) => new Promise((resolve, reject) => {
    const els = selectors.map((s) => document.querySelector(s));
    if (els.some((e) => !e)) return reject(new Error('no element for ' + selectors.join(', ')));
    let t0 = 0;
    let left = els.length;
    const start = () => { t0 = t0 || performance.now(); };
    document.addEventListener('wheel', start, { capture: true, once: true });
    document.addEventListener('mousemove', start, { capture: true, once: true });
    for (const el of els) {
      const on = () => {
        if (!t0) return;
        el.removeEventListener('CORNERSTONE_IMAGE_RENDERED', on);
        const c = el.querySelector('canvas');
        if (c) c.getContext('2d').getImageData(c.width >> 1, c.height >> 1, 1, 1);
        if (--left === 0) resolve(performance.now() - t0);
      };
      el.addEventListener('CORNERSTONE_IMAGE_RENDERED', on);
    }
    setTimeout(() => reject(new Error('not every view rendered within 20 s')), 20000);
  })`);
}

/** The cornerstone element (data-viewport-uid) inside the container that matches sel. */
async function csElement(page: Page, sel: string): Promise<{ selector: string; box: { x: number; y: number; w: number; h: number } }> {
  const r = await page.evaluate((s) => {
    const host = document.querySelector<HTMLElement>(s);
    const el = host?.matches('[data-viewport-uid]') ? host : host?.querySelector<HTMLElement>('[data-viewport-uid]');
    if (!el) return undefined;
    const b = el.getBoundingClientRect();
    return { uid: el.getAttribute('data-viewport-uid')!, box: { x: b.x, y: b.y, w: Math.round(b.width), h: Math.round(b.height) } };
  }, sel);
  if (!r) throw new Error(`no cornerstone viewport in ${sel}`);
  return { selector: `[data-viewport-uid="${r.uid}"]`, box: r.box };
}

async function dokueiFrames(page: Page, kind: Kind, frames: number): Promise<{ times: number[]; sizes: { w: number; h: number }[] }> {
  await installTimer(page);
  const planes = kind === 'mpr3' ? ['axial', 'sagittal', 'coronal'] : kind === 'vr' ? ['3d'] : ['axial'];
  const els = kind === 'stack' ? [await csElement(page, '.viewport')] : await Promise.all(planes.map((p) => csElement(page, `[data-plane="${p}"]`)));
  const target = els[0]!.box;
  const cx = target.x + target.w / 2;
  const cy = target.y + target.h / 2;
  await page.mouse.move(cx, cy);
  const times: number[] = [];
  const frame = async (i: number, act: () => Promise<void>) => {
    // The timer's listeners must be in place before the input: an evaluate still queued behind a busy main
    // thread runs after the input event (Chromium handles input first), so the frame's start was missed and
    // it waited for a mousemove that never came ("not every view rendered within 20 s", mpr3 under load).
    await page.evaluate((sel) => {
      const w = window as unknown as { __benchFrame(s: string[]): Promise<number>; __benchPending?: Promise<number> };
      w.__benchPending = w.__benchFrame(sel);
      w.__benchPending.catch(() => undefined);
    }, els.map((e) => e.selector));
    await act();
    const ms = await page.evaluate(() => (window as unknown as { __benchPending: Promise<number> }).__benchPending);
    if (i >= 0) times.push(ms);
  };
  if (kind === 'stack' || kind === 'mpr1') {
    for (let i = -2; i < frames; i++) await frame(i, () => page.mouse.wheel(0, i % 20 < 10 ? 100 : -100));
  } else {
    // mpr3: right-drag = window/level, synchronised over the three planes; vr: left-drag = trackball rotate.
    await page.mouse.down({ button: kind === 'mpr3' ? 'right' : 'left' });
    for (let i = -2; i < frames; i++) await frame(i, () => page.mouse.move(cx + ((i % 10) - 5) * 6, cy + (i % 2) * 4));
    await page.mouse.up({ button: kind === 'mpr3' ? 'right' : 'left' });
  }
  return { times, sizes: els.map((e) => ({ w: e.box.w, h: e.box.h })) };
}

export const renderingSuite: Suite = {
  name: 'rendering',
  title: 'Rendering: frame time for stack scroll, 1 and 3 MPR views, VR — Dokuei vs stock cornerstone3D',
  gpu: true,
  async run(ctx) {
    const v = await loadedViewers(ctx);
    const q = ctx.options.quick;
    const n: Record<Kind, number> = { mpr1: q ? 8 : 30, mpr3: q ? 5 : 20, vr: q ? 3 : 8, stack: q ? 8 : 30 };
    const dpage = v.dokuei.page;
    const bpage = v.baseline.page;
    const hist: { label: string; samples: number[] }[] = [];
    const errors: string[] = [];
    // MPR first (the page shows MPR 1+3), then 1×1 for the stack.
    for (const kind of ['mpr1', 'mpr3', 'vr', 'stack'] as Kind[]) {
      if (kind === 'stack') {
        await dpage.locator('button', { hasText: '1×1' }).click();
        await dpage.waitForSelector('.viewport[data-state="ready"]', { timeout: 120000 });
        await dpage.waitForTimeout(1000);
      }
      let d: Awaited<ReturnType<typeof dokueiFrames>>;
      try {
        d = await dokueiFrames(dpage, kind, n[kind]);
      } catch (err) {
        errors.push(`${kind}: Dokuei side: ${(err as Error).message.split('\n')[0]}`);
        await dpage.mouse.up({ button: 'right' }).catch(() => undefined);
        await dpage.mouse.up({ button: 'left' }).catch(() => undefined);
        continue;
      }
      const b = (await bpage.evaluate(([k, f, s]) => (window as unknown as { __bench: { render(k: string, f: number, s: unknown): Promise<number[]> } }).__bench.render(k as string, f as number, s), [kind, n[kind], d.sizes] as const)) as number[];
      const size = d.sizes.map((s) => `${s.w}×${s.h}`).join(', ');
      ctx.record(`rendering.${kind}FrameMs`, 'ms', d.times, b, { better: 'lower', baselineIs: `stock cornerstone3D, same size (${size})` });
      hist.push({ label: `${kind} Dokuei (${size})`, samples: d.times }, { label: `${kind} stock`, samples: b });
    }
    ctx.note('runs = frames timed (after 2 untimed). Dokuei input: wheel on the axial view (mpr1) or the stack (stack), right-drag window/level on the axial view with the VOI synchronised to all three planes (mpr3), left-drag trackball on the 3D view (vr: Dokuei renders coarse, sampleDistanceMultiplier 4, while the camera moves). Baseline: the same change through the API (scroll, setProperties voiRange on three viewports, camera azimuth 5°), default settings (VR preset CT-Bone, full sample distance).');
    ctx.plot(histogram('Frame times', hist, 'ms', 8));
    if (errors.length) throw new Error(`not measured: ${errors.join('; ')}`);
  },
};
