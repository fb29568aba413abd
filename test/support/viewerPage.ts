/**
 * What an e2e test does as a reader: find the patient in the study list, open the series, wait until
 * real pixels are on the canvas, and read them back.
 */
import type { Page } from 'playwright-core';

export interface CanvasStats {
  width: number;
  height: number;
  mean: number;
  stddev: number;
  distinct: number;
}

/** Statistics of the main viewport's canvas (the pixels cornerstone drew, read back from the 2D canvas). */
export async function viewportCanvasStats(page: Page): Promise<CanvasStats> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.viewport canvas');
    if (!canvas) return { width: 0, height: 0, mean: 0, stddev: 0, distinct: 0 };
    const ctx = canvas.getContext('2d');
    if (!ctx) return { width: canvas.width, height: canvas.height, mean: 0, stddev: 0, distinct: 0 };
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    let sum2 = 0;
    const seen = new Set<number>();
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const v = data[i]!;
      sum += v;
      sum2 += v * v;
      seen.add(v);
    }
    const mean = sum / n;
    return { width: canvas.width, height: canvas.height, mean, stddev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), distinct: seen.size };
  });
}

/** Waits until the viewport shows an image with real structure (not black, not flat). */
export async function waitForRenderedImage(page: Page, timeoutMs = 120000): Promise<CanvasStats> {
  await page.waitForSelector('.viewport[data-state="ready"]', { timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let stats = await viewportCanvasStats(page);
  let goodInARow = 0;
  // SwiftShader can report a frame before it is drawn: require two structured reads in a row.
  while (Date.now() < deadline) {
    stats = await viewportCanvasStats(page);
    goodInARow = stats.stddev > 20 && stats.distinct > 32 ? goodInARow + 1 : 0;
    if (goodInARow >= 2) return stats;
    await page.waitForTimeout(500);
  }
  throw new Error(`The viewport never showed a structured image (last: ${JSON.stringify(stats)})`);
}

export interface CenterProbe {
  imageId: string;
  column: number;
  row: number;
  lower: number;
  upper: number;
  /** Red channel of the canvas pixel at the viewport centre (grey images: R = G = B). */
  displayed: number;
}

export async function probeViewportCenter(page: Page): Promise<CenterProbe> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.viewport');
    const canvas = el?.querySelector<HTMLCanvasElement>('canvas');
    // The renderer's diagnostic hook (renderer/imaging/react/StackViewport.tsx).
    type Probe = {
      canvasToImage(x: number, y: number): { imageId: string; column: number; row: number } | undefined;
      voiRange(): { lower: number; upper: number } | undefined;
    };
    const probe = (window as unknown as { __dokueiViewports?: Record<string, Probe> }).__dokueiViewports?.['Main viewport'];
    if (!el || !canvas || !probe) throw new Error('viewport not ready');
    const x = Math.floor(canvas.clientWidth / 2);
    const y = Math.floor(canvas.clientHeight / 2);
    const at = probe.canvasToImage(x, y);
    const voi = probe.voiRange();
    if (!at || !voi) throw new Error('no image under the centre');
    const sx = canvas.width / canvas.clientWidth;
    const sy = canvas.height / canvas.clientHeight;
    const px = canvas.getContext('2d')!.getImageData(Math.floor(x * sx), Math.floor(y * sy), 1, 1).data;
    return { imageId: at.imageId, column: at.column, row: at.row, lower: voi.lower, upper: voi.upper, displayed: px[0]! };
  });
}

/** The main viewport canvas in CSS px (page coordinates of its top-left corner, and its size). */
export async function canvasBox(page: Page, label = 'Main viewport'): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator(`.viewport[aria-label="${label}"] canvas`).first().boundingBox();
  if (!box) throw new Error('no viewport canvas');
  return box;
}

/** Presses the left button at canvas point `from`, moves in steps to `to`, releases (CSS px on the canvas). */
export async function dragOnCanvas(page: Page, from: [number, number], to: [number, number], label = 'Main viewport'): Promise<void> {
  const box = await canvasBox(page, label);
  await page.mouse.move(box.x + from[0], box.y + from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + (from[0] + to[0]) / 2, box.y + (from[1] + to[1]) / 2, { steps: 5 });
  await page.mouse.move(box.x + to[0], box.y + to[1], { steps: 5 });
  await page.mouse.up();
}

/** Calls a method of the viewport's test hook (`window.__dokueiViewports[label]`). */
export async function hookCall<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([label, m, a]) => {
      const hook = (window as unknown as { __dokueiViewports?: Record<string, Record<string, (...x: unknown[]) => unknown>> }).__dokueiViewports?.[label as string];
      if (!hook) throw new Error(`no viewport hook ${String(label)}`);
      return hook[m as string]!(...(a as unknown[])) as never;
    },
    ['Main viewport', method, args] as const,
  ) as Promise<T>;
}

/** The main viewport's canvas as grey levels (red channel), every second row to keep it small. */
export async function canvasGrey(page: Page): Promise<{ width: number; data: number[] }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.viewport canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return { width: 0, data: [] };
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const out: number[] = [];
    for (let y = 0; y < height; y += 2) for (let x = 0; x < width; x++) out.push(data[(y * width + x) * 4]!);
    return { width, data: out };
  });
}
