/**
 * "Show me this image": what a report's image reference asks of the viewer (issue #19). A window CustomEvent, so the
 * reports feature needs no handle on the viewer and the viewer none on the reports: the viewer listens for
 * JUMP_TO_IMAGE_EVENT and opens the series at that instance (and frame).
 */

export const JUMP_TO_IMAGE_EVENT = 'dokuei:jump-to-image';

export interface JumpToImage {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  /** 1-based frame of a multi-frame image; absent: the image's only (or first) frame. */
  frame?: number;
}

declare global {
  interface WindowEventMap {
    [JUMP_TO_IMAGE_EVENT]: CustomEvent<JumpToImage>;
  }
}

/** Asks the viewer to show the image. The detail is a fresh object: listeners may keep it. */
export function requestJumpToImage(detail: JumpToImage): void {
  window.dispatchEvent(new CustomEvent<JumpToImage>(JUMP_TO_IMAGE_EVENT, { detail: { ...detail } }));
}

/**
 * A jump no pane could take (its series is not shown): App opens the series, and the pane that then shows it takes
 * the jump once its viewport is up. One at a time: a newer jump replaces an older one not yet taken.
 */
let pending: JumpToImage | undefined;

export function setPendingJump(detail: JumpToImage | undefined): void {
  pending = detail;
}

/** The pending jump into this series, taken (it is gone afterwards); undefined when there is none. */
export function takePendingJump(seriesInstanceUid: string): JumpToImage | undefined {
  if (pending?.seriesInstanceUid !== seriesInstanceUid) return undefined;
  const p = pending;
  pending = undefined;
  return p;
}

const taken = new WeakSet<JumpToImage>();

/** A pane showing the series took the jump at once: nothing to open. */
export function markJumpTaken(detail: JumpToImage): void {
  taken.add(detail);
  if (pending === detail) pending = undefined;
}

/** Whether no pane took the jump (its series must be opened). */
export function jumpUntaken(detail: JumpToImage): boolean {
  return !taken.has(detail);
}
