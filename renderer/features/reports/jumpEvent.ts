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
