/**
 * One reformatted image (the CPR or the cross-section) drawn grey through a window into the box it is given, square
 * pixels, centred, with an SVG overlay in the same box coordinates (the caller's cursor line, ruler, scale bar).
 */
import { useEffect, useRef, useState, type ReactNode, type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent } from 'react';
import { fitRect, windowToRgba, type DrawRect, type WindowLevel } from '../model/cprImage';

export interface ReformatImage {
  width: number;
  height: number;
  pixels: Float32Array;
  pixelMm: number;
}

export interface ReformatCanvasProps {
  image: ReformatImage | undefined;
  window: WindowLevel;
  label: string;
  testId: string;
  className?: string;
  overlay?: (rect: DrawRect) => ReactNode;
  onMouseMove?: (y: number, rect: DrawRect) => void;
  onKeyDown?: (e: ReactKeyboardEvent) => void;
}

export function ReformatCanvas({ image, window: win, label, testId, className, overlay, onMouseMove, onKeyDown }: ReformatCanvasProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [box, setBox] = useState({ width: 0, height: 0 });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const measure = () => setBox({ width: host.clientWidth, height: host.clientHeight });
    const observer = new ResizeObserver(measure);
    observer.observe(host);
    measure();
    return () => observer.disconnect();
  }, []);

  const rect = image ? fitRect(box.width, box.height, image.width * image.pixelMm, image.height * image.pixelMm) : undefined;

  // The image at its own size, then scaled into the box (smoothed: a CPR enlarged three times would otherwise show
  // its pixels as blocks, which read as steps in a vessel wall).
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !image || !rect || box.width === 0 || box.height === 0) return;
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = Math.round(box.width * dpr);
    canvas.height = Math.round(box.height * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const source = document.createElement('canvas');
    source.width = image.width;
    source.height = image.height;
    const data = new ImageData(image.width, image.height);
    windowToRgba(image.pixels, win, data.data);
    source.getContext('2d')!.putImageData(data, 0, 0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, rect.x * dpr, rect.y * dpr, rect.width * dpr, rect.height * dpr);
    // rect follows from image and box.
  }, [image, win.center, win.width, box.width, box.height]);

  const at = (e: ReactMouseEvent) => {
    const host = hostRef.current;
    if (!image || !host || !onMouseMove) return;
    // The box as it is now, not as last measured: a ResizeObserver reports only with the next frame, and a mouse
    // event can come first (the panel's hint line just went away), which would put the cursor rows off.
    const live = fitRect(host.clientWidth, host.clientHeight, image.width * image.pixelMm, image.height * image.pixelMm);
    onMouseMove(e.clientY - host.getBoundingClientRect().top, live);
  };

  return (
    <div ref={hostRef} className={`reformat-canvas ${className ?? ''}`} data-testid={testId} role="img" aria-label={label} tabIndex={onKeyDown ? 0 : undefined} onMouseMove={at} onKeyDown={onKeyDown}>
      <canvas ref={canvasRef} style={{ position: 'absolute', inset: 0, width: '100%', height: '100%' }} />
      {rect && overlay ? (
        <svg width="100%" height="100%" style={{ position: 'absolute', inset: 0, pointerEvents: 'none', overflow: 'visible' }}>
          {overlay(rect)}
        </svg>
      ) : null}
    </div>
  );
}
