/**
 * The window (W/L) of a volume viewport found by its element, for features that do not hold the viewport (the
 * PET/CT layout sets its fused CT planes to a hanging protocol's preset). Undefined/no-op while the element is
 * not an enabled cornerstone viewport.
 */
import { getEnabledElement, utilities, type Types } from '@cornerstonejs/core';
import type { WindowLevel } from '../stack/presets';

function viewportOf(element: HTMLElement | null | undefined): Types.IVolumeViewport | undefined {
  if (!element) return undefined;
  try {
    return getEnabledElement(element as HTMLDivElement)?.viewport as Types.IVolumeViewport | undefined;
  } catch {
    return undefined;
  }
}

/** Sets the viewport's window and renders it; false when the element holds no viewport. */
export function setViewportWindow(element: HTMLElement | null | undefined, w: WindowLevel): boolean {
  const vp = viewportOf(element);
  if (!vp) return false;
  vp.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(w.windowWidth, w.windowCenter) });
  vp.render();
  return true;
}

/** The viewport's window, rounded as overlays show it. */
export function viewportWindow(element: HTMLElement | null | undefined): WindowLevel | undefined {
  const range = viewportOf(element)?.getProperties()?.voiRange;
  if (!range) return undefined;
  const { windowWidth, windowCenter } = utilities.windowLevel.toWindowLevel(range.lower, range.upper);
  return { windowWidth: Math.round(windowWidth), windowCenter: Math.round(windowCenter) };
}
