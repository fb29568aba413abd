/**
 * Blend mode of a 3D (VOLUME_3D) viewport. cornerstone 5.14's VolumeViewport3D.setBlendMode returns null and
 * changes nothing, so a "MIP" asked of it stays a composite rendering; the blend mode lives on each volume actor's
 * vtk mapper, which is where this sets it (vtk.js and cornerstone share the BlendModes numbering).
 */
import { Enums, type Types } from '@cornerstonejs/core';

interface VolumeMapperLike {
  setBlendMode?(mode: number): void;
  getBlendMode?(): number;
}

interface VolumeActorLike {
  getMapper(): VolumeMapperLike | null | undefined;
  getProperty(): { getScalarOpacity(i: number): { removeAllPoints(): void; addPoint(x: number, y: number): void } | undefined };
}

function volumeActors(viewport: Types.IVolumeViewport): VolumeActorLike[] {
  return viewport
    .getActors()
    .map((entry) => entry.actor as unknown as Partial<VolumeActorLike>)
    .filter((a): a is VolumeActorLike => typeof a.getMapper === 'function' && typeof a.getProperty === 'function');
}

/** Sets the blend mode on every volume of a 3D viewport (call render() after). */
export function setVolume3dBlendMode(viewport: Types.IVolumeViewport, mode: Enums.BlendModes): void {
  for (const actor of volumeActors(viewport)) actor.getMapper()?.setBlendMode?.(mode);
}

/** The blend mode the 3D viewport's first volume is really rendered with (test hooks). */
export function volume3dBlendMode(viewport: Types.IVolumeViewport): Enums.BlendModes | undefined {
  return volumeActors(viewport)[0]?.getMapper()?.getBlendMode?.() as Enums.BlendModes | undefined;
}

/**
 * Every value fully opaque, so a MIP's pixel is the colour of the ray's maximum (a 3D viewport starts with a
 * transparent transfer function).
 */
export function setOpaqueTransferFunction(viewport: Types.IVolumeViewport): void {
  for (const actor of volumeActors(viewport)) {
    const opacity = actor.getProperty().getScalarOpacity(0);
    opacity?.removeAllPoints();
    opacity?.addPoint(-1e7, 1);
    opacity?.addPoint(1e7, 1);
  }
}
