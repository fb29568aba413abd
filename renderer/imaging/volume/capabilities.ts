/**
 * What the GPU offers for volumes, asked once: the 3D texture limit, 16-bit normalised textures and
 * the renderer's name. cornerstone decides the texture format from the same probe,
 * so what we report is what it does
 * (its own test, init.js _hasNorm16TextureSupport, is norm16 && norm16Linear; that helper is not exported).
 */
import { getRenderingCapabilities } from '@cornerstonejs/core';
import { halfFloatChosen } from './textureChoice';

export interface GpuCapabilities {
  renderer: string;
  max3DTextureSize: number;
  maxTextureSize: number;
  /** EXT_texture_norm16 usable with linear filtering: 16-bit data stays 2 bytes per voxel on the GPU. */
  norm16: boolean;
  /** The user chose half-float textures (less memory, integers above 2048 lose precision). */
  halfFloatChosen: boolean;
  softwareRasterizer: boolean;
}

let cached: GpuCapabilities | undefined;

export function gpuCapabilities(): GpuCapabilities {
  if (cached) return cached;
  const caps = getRenderingCapabilities();
  let max3DTextureSize = 0;
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl) {
      max3DTextureSize = Number(gl.getParameter(gl.MAX_3D_TEXTURE_SIZE)) || 0;
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    // No WebGL2: max3DTextureSize stays 0 and volumes are refused with that reason.
  }
  cached = {
    renderer: caps.renderer,
    max3DTextureSize,
    maxTextureSize: caps.maxTextureSize,
    norm16: !!(caps.norm16 && caps.norm16Linear),
    halfFloatChosen: halfFloatChosen(),
    softwareRasterizer: caps.softwareRasterizer,
  };
  return cached;
}

/** Only for tests of the capability logic in the browser; production never changes them. */
export function resetGpuCapabilitiesCache(): void {
  cached = undefined;
}
