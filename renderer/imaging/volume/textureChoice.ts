/**
 * The reader's choice of half-float textures for volumes: half the GPU memory of 32-bit floats where
 * EXT_texture_norm16 is missing, but integers beyond ±2048 are rounded on screen. Off unless chosen;
 * remembered in this browser profile (localStorage), applied to the next volume built.
 */
import { setPreferSizeOverAccuracy } from '@cornerstonejs/core';
import { resetGpuCapabilitiesCache } from './capabilities';

const KEY = 'dokuei.halfFloatTextures';

export function halfFloatChosen(): boolean {
  try {
    return window.localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function chooseHalfFloatTextures(on: boolean): void {
  try {
    window.localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
  setPreferSizeOverAccuracy(on);
  resetGpuCapabilitiesCache();
}
