/**
 * DICOM Segmentation (SEG) → one voxel mask per segment on the grid of the image series it segments (issue #7: SUV
 * statistics inside a tumour SEG, the same in the CLI and the viewer). Pure, isomorphic: the CLI gives it the
 * file's DICOM JSON and PixelData bytes, the viewer the WADO-RS metadata and the instance's bytes.
 *
 * Why our own code and not dcmjs: dcmjs's SEG readers (adapters.Cornerstone/Cornerstone3D.Segmentation) need
 * cornerstone image ids and a metadata provider, build cornerstone tool state rather than a mask, reject
 * fractional SEGs and frames that are not in-plane with the source, and so fit neither the CLI nor a plain
 * volume; what they do (read the functional groups, unpack the bits) is short enough to own and test here.
 *
 * What it reads (PS3.3 C.8.20, A.51):
 * - Segment Sequence: Segment Number, Segment Label.
 * - Per frame (Per-Frame Functional Groups, or the Shared ones): Segment Identification → Referenced Segment
 *   Number; Plane Position → Image Position (Patient); Plane Orientation; Pixel Measures → Pixel Spacing;
 *   Derivation Image → Source Image → Referenced SOP Instance UID (used when a frame has no position).
 * - Segmentation Type BINARY (Bits Allocated 1, bit-packed, first pixel in the least significant bit, frames
 *   one after another without padding — PS3.5 8.1.1; frames padded to whole bytes, as some writers did, are
 *   recognised by the data length) or FRACTIONAL (8 bits; a voxel is inside when its value is at least half the
 *   Maximum Fractional Value: 50 % probability or occupancy).
 *
 * Placement: each frame is put on the target slice its position falls on (within a tenth of the slice spacing),
 * and each target voxel of that slice takes the SEG pixel nearest to its centre — the identity when the SEG
 * shares the image's grid, nearest-neighbour resampling when it does not. Frames off the target's slices or
 * planes are skipped with a warning, never guessed.
 */
import { getNumber, getNumbers, getString, type DicomJsonDataset, type DicomJsonValue } from '../dicom/dicomJson';
import type { Volume } from '../registration/types';

const T = {
  SOPInstanceUID: '00080018',
  SeriesInstanceUID: '0020000E',
  FrameOfReferenceUID: '00200052',
  ReferencedSeriesSequence: '00081115',
  ReferencedSOPInstanceUID: '00081155',
  Rows: '00280010',
  Columns: '00280011',
  NumberOfFrames: '00280008',
  BitsAllocated: '00280100',
  SegmentationType: '00620001',
  SegmentSequence: '00620002',
  SegmentNumber: '00620004',
  SegmentLabel: '00620005',
  MaximumFractionalValue: '00620010',
  SegmentIdentificationSequence: '0062000A',
  ReferencedSegmentNumber: '0062000B',
  SharedFunctionalGroupsSequence: '52009229',
  PerFrameFunctionalGroupsSequence: '52009230',
  PlanePositionSequence: '00209113',
  ImagePositionPatient: '00200032',
  PlaneOrientationSequence: '00209116',
  ImageOrientationPatient: '00200037',
  PixelMeasuresSequence: '00289110',
  PixelSpacing: '00280030',
  DerivationImageSequence: '00089124',
  SourceImageSequence: '00082112',
} as const;

/** The SEG cannot be read or placed; the message says why, for the user. */
export class SegError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SegError';
  }
}

export interface SegSegment {
  segmentNumber: number;
  label: string;
}

export interface SegFrame {
  segmentNumber: number;
  /** Image Position (Patient) of the frame's first pixel, mm. */
  position?: [number, number, number];
  /** Row then column direction cosines. */
  orientation?: [number, number, number, number, number, number];
  /** [between rows, between columns], mm. */
  pixelSpacing?: [number, number];
  sourceSopInstanceUids: string[];
}

export interface SegHeader {
  sopInstanceUid?: string;
  type: 'BINARY' | 'FRACTIONAL';
  rows: number;
  columns: number;
  maxFractional: number;
  segments: SegSegment[];
  frames: SegFrame[];
  /** The image series the SEG refers to (Referenced Series Sequence), when it says. */
  referencedSeriesInstanceUids: string[];
  frameOfReferenceUid?: string;
}

function items(ds: DicomJsonDataset | undefined, tag: string): DicomJsonDataset[] {
  const v = ds?.[tag]?.Value ?? [];
  return v.filter((x: DicomJsonValue): x is DicomJsonDataset => typeof x === 'object' && x !== null && !('Alphabetic' in x));
}

/** The first item of `sequence` in the frame's own functional groups, else in the shared ones. */
function group(frame: DicomJsonDataset | undefined, shared: DicomJsonDataset | undefined, sequence: string): DicomJsonDataset | undefined {
  return items(frame, sequence)[0] ?? items(shared, sequence)[0];
}

/** Reads what placing a SEG needs from its DICOM JSON. Throws SegError for a SEG that cannot be used. */
export function readSegHeader(ds: DicomJsonDataset): SegHeader {
  const type = getString(ds, T.SegmentationType)?.trim().toUpperCase();
  if (type !== 'BINARY' && type !== 'FRACTIONAL') {
    throw new SegError(type ? `Segmentation Type ${type} is not supported (BINARY or FRACTIONAL)` : 'Not a DICOM SEG: no Segmentation Type (0062,0001)');
  }
  const rows = getNumber(ds, T.Rows) ?? 0;
  const columns = getNumber(ds, T.Columns) ?? 0;
  if (!(rows > 0 && columns > 0)) throw new SegError('The SEG has no Rows/Columns');
  const bits = getNumber(ds, T.BitsAllocated);
  if (type === 'BINARY' && bits !== 1) throw new SegError(`A BINARY SEG must have Bits Allocated 1, not ${bits ?? 'none'}`);
  if (type === 'FRACTIONAL' && bits !== 8) throw new SegError(`A FRACTIONAL SEG must have Bits Allocated 8, not ${bits ?? 'none'}`);
  const segments = items(ds, T.SegmentSequence).map((s) => ({
    segmentNumber: getNumber(s, T.SegmentNumber) ?? NaN,
    label: getString(s, T.SegmentLabel)?.trim() ?? '',
  }));
  if (!segments.length || segments.some((s) => !Number.isInteger(s.segmentNumber))) throw new SegError('The SEG has no Segment Sequence with segment numbers');
  const shared = items(ds, T.SharedFunctionalGroupsSequence)[0];
  const perFrame = items(ds, T.PerFrameFunctionalGroupsSequence);
  const count = getNumber(ds, T.NumberOfFrames) ?? 1;
  // Found by the parse-boundary fuzzing (issue 16): a header with Number of Frames 1e9 and no per-frame groups
  // looped a billion times (the viewer hung). Frames are described by their per-frame groups, so without them
  // only one frame can be; a count that is no whole number is no count.
  if (!Number.isInteger(count) || count < 1) throw new SegError(`The SEG's Number of Frames (${count}) is not a whole number of frames`);
  if (!perFrame.length && count > 1) throw new SegError(`The SEG has ${count} frames but no per-frame functional groups to place them`);
  if (perFrame.length && perFrame.length !== count) {
    throw new SegError(`The SEG has ${count} frames but ${perFrame.length} per-frame functional groups`);
  }
  const frames: SegFrame[] = [];
  for (let f = 0; f < count; f++) {
    const fg = perFrame[f];
    const segmentNumber = getNumber(group(fg, shared, T.SegmentIdentificationSequence) ?? {}, T.ReferencedSegmentNumber);
    if (segmentNumber === undefined) throw new SegError(`SEG frame ${f + 1} has no Referenced Segment Number`);
    const position = getNumbers(group(fg, shared, T.PlanePositionSequence) ?? {}, T.ImagePositionPatient, 3);
    const orientation = getNumbers(group(fg, shared, T.PlaneOrientationSequence) ?? {}, T.ImageOrientationPatient, 6);
    const spacing = getNumbers(group(fg, shared, T.PixelMeasuresSequence) ?? {}, T.PixelSpacing, 2);
    const sources = items(group(fg, shared, T.DerivationImageSequence), T.SourceImageSequence)
      .map((s) => getString(s, T.ReferencedSOPInstanceUID)?.trim())
      .filter((u): u is string => !!u);
    frames.push({
      segmentNumber,
      ...(position ? { position: position as [number, number, number] } : {}),
      ...(orientation ? { orientation: orientation as [number, number, number, number, number, number] } : {}),
      ...(spacing ? { pixelSpacing: spacing as [number, number] } : {}),
      sourceSopInstanceUids: sources,
    });
  }
  const sopInstanceUid = getString(ds, T.SOPInstanceUID)?.trim();
  const frameOfReferenceUid = getString(ds, T.FrameOfReferenceUID)?.trim();
  return {
    ...(sopInstanceUid ? { sopInstanceUid } : {}),
    type,
    rows,
    columns,
    maxFractional: type === 'FRACTIONAL' ? getNumber(ds, T.MaximumFractionalValue) ?? 255 : 1,
    segments,
    frames,
    referencedSeriesInstanceUids: items(ds, T.ReferencedSeriesSequence)
      .map((s) => getString(s, T.SeriesInstanceUID)?.trim())
      .filter((u): u is string => !!u),
    ...(frameOfReferenceUid ? { frameOfReferenceUid } : {}),
  };
}

/**
 * Bit offset of each BINARY frame in the Pixel Data: packed one after another (the standard), or each padded to a
 * whole byte, recognised when the data are longer than the packed layout can be (it may add one byte, to be even).
 */
export function binaryFrameBitOffsets(byteLength: number, rows: number, columns: number, frames: number): number[] {
  const pixels = rows * columns;
  const packed = Math.ceil((frames * pixels) / 8);
  const padded = frames * Math.ceil(pixels / 8);
  if (byteLength < packed) throw new SegError(`The SEG's Pixel Data has ${byteLength} bytes; ${frames} frames of ${rows}×${columns} bits need ${packed}`);
  const stride = pixels % 8 !== 0 && byteLength >= padded && padded > packed + 1 ? Math.ceil(pixels / 8) * 8 : pixels;
  return Array.from({ length: frames }, (_, f) => f * stride);
}

/** One frame's values, row by row: 0/1 for BINARY, 0…Maximum Fractional Value for FRACTIONAL. */
export function segFrameValues(pixelData: Uint8Array, header: Pick<SegHeader, 'type' | 'rows' | 'columns' | 'frames'>, frame: number): Uint8Array {
  const pixels = header.rows * header.columns;
  // The frame is checked against the Pixel Data before its buffer is allocated: a header claiming 65535 × 65535
  // pixels must fail as a SegError, not as a 4 GiB allocation (issue 16's fuzzing).
  if (header.type === 'FRACTIONAL') {
    const start = frame * pixels;
    if (start < 0 || start + pixels > pixelData.byteLength) throw new SegError(`The SEG's Pixel Data ends before frame ${frame + 1}`);
    return pixelData.slice(start, start + pixels);
  }
  const offset = binaryFrameBitOffsets(pixelData.byteLength, header.rows, header.columns, header.frames.length)[frame];
  if (offset === undefined) throw new SegError(`The SEG has no frame ${frame + 1}`);
  const out = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const bit = offset + p;
    out[p] = (pixelData[bit >> 3]! >> (bit & 7)) & 1;
  }
  return out;
}

/** The grid to put the masks on: a volume's geometry, and optionally each slice's SOP Instance UID. */
export interface SegTargetGrid extends Pick<Volume, 'dims' | 'spacing' | 'origin' | 'direction'> {
  sopInstanceUids?: readonly (string | undefined)[];
}

export interface SegmentMask extends SegSegment {
  /** dims[0]·dims[1]·dims[2] voxels in the volume's order; 1 inside. */
  mask: Uint8Array;
  voxels: number;
}

export interface SegMasks {
  segments: SegmentMask[];
  warnings: string[];
}

type V3 = [number, number, number];
const dot = (a: V3, b: V3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/**
 * The masks of every segment of the SEG (`ds` its DICOM JSON, `pixelData` its Pixel Data value) on `grid`.
 * Throws SegError when nothing of the SEG falls on the grid.
 */
export function segToMasks(ds: DicomJsonDataset, pixelData: Uint8Array, grid: SegTargetGrid): SegMasks {
  const header = readSegHeader(ds);
  const [nx, ny, nz] = grid.dims;
  const d = grid.direction;
  const col = (a: number): V3 => [d[a]!, d[3 + a]!, d[6 + a]!];
  const [ri, rj, rk] = [col(0), col(1), col(2)];
  const [si, sj, sk] = grid.spacing;
  const normal = cross(ri, rj);
  // Distance of slice k's plane from the origin along the normal: k·(sk·rk·normal). Slices need not be orthogonal
  // to k (gantry tilt); the plane of each still has this normal.
  const sliceStep = sk * dot(rk, normal);
  if (!(Math.abs(sliceStep) > 0)) throw new SegError('The image grid has no slice spacing');
  const kOfUid = new Map<string, number>();
  grid.sopInstanceUids?.forEach((u, k) => u && kOfUid.set(u, k));
  const warnings: string[] = [];
  const masks = new Map<number, Uint8Array>(header.segments.map((s) => [s.segmentNumber, new Uint8Array(nx * ny * nz)]));
  const threshold = header.type === 'FRACTIONAL' ? header.maxFractional / 2 : 1;
  let placed = 0;
  const off = { plane: 0, slice: 0, unknown: 0, segment: 0 };
  header.frames.forEach((frame, f) => {
    const mask = masks.get(frame.segmentNumber);
    if (!mask) return void off.segment++;
    const orientation = frame.orientation;
    const spacing = frame.pixelSpacing;
    let position = frame.position;
    // A frame without a position: the slice of its source image, when the grid knows the UIDs.
    let k: number | undefined;
    if (!position) {
      k = frame.sourceSopInstanceUids.map((u) => kOfUid.get(u)).find((x) => x !== undefined);
      if (k === undefined) return void off.unknown++;
      position = [grid.origin[0] + sk * rk[0] * k, grid.origin[1] + sk * rk[1] * k, grid.origin[2] + sk * rk[2] * k];
    }
    const segRow: V3 = orientation ? [orientation[0], orientation[1], orientation[2]] : ri;
    const segCol: V3 = orientation ? [orientation[3], orientation[4], orientation[5]] : rj;
    if (Math.abs(dot(cross(segRow, segCol), normal)) < 0.999) return void off.plane++;
    const rel: V3 = [position[0] - grid.origin[0], position[1] - grid.origin[1], position[2] - grid.origin[2]];
    const kf = dot(rel, normal) / sliceStep;
    k ??= Math.round(kf);
    if (Math.abs(kf - k) > 0.1 || k < 0 || k >= nz) return void off.slice++;
    const values = segFrameValues(pixelData, header, f);
    const [rowSpacing, colSpacing] = spacing ?? [sj, si];
    // Each target voxel of slice k: its centre in the frame's pixel coordinates, nearest pixel.
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p: V3 = [rel[0] - (ri[0] * si * i + rj[0] * sj * j + rk[0] * sk * k), rel[1] - (ri[1] * si * i + rj[1] * sj * j + rk[1] * sk * k), rel[2] - (ri[2] * si * i + rj[2] * sj * j + rk[2] * sk * k)];
        // p = frame position − voxel centre: the voxel sits at −p from the frame's first pixel.
        const c = Math.round(-dot(p, segRow) / colSpacing);
        const r = Math.round(-dot(p, segCol) / rowSpacing);
        if (c < 0 || r < 0 || c >= header.columns || r >= header.rows) continue;
        if (values[r * header.columns + c]! >= threshold) mask[i + nx * (j + ny * k)] = 1;
      }
    }
    placed++;
  });
  if (off.plane) warnings.push(`${off.plane} SEG frame(s) are not parallel to the image slices and were left out`);
  if (off.slice) warnings.push(`${off.slice} SEG frame(s) do not lie on a slice of the image and were left out`);
  if (off.unknown) warnings.push(`${off.unknown} SEG frame(s) have no position and refer to no slice of the image; left out`);
  if (off.segment) warnings.push(`${off.segment} SEG frame(s) refer to a segment the SEG does not describe; left out`);
  if (!placed && header.frames.length) throw new SegError(`No frame of the SEG falls on the image's slices (${warnings.join('; ')})`);
  return {
    segments: header.segments.map((s) => {
      const mask = masks.get(s.segmentNumber)!;
      let voxels = 0;
      for (let x = 0; x < mask.length; x++) voxels += mask[x]!;
      return { ...s, mask, voxels };
    }),
    warnings,
  };
}

/**
 * The Pixel Data value of a Part 10 file (native transfer syntaxes), found from the end: a SEG's Pixel Data is
 * its last top-level element (nothing follows but optional padding), so the tag whose length reaches the file's
 * end is it. Saves carrying a full DICOM parser into the viewer for one element. Throws SegError otherwise.
 */
export function findPixelData(part10: Uint8Array): Uint8Array {
  const n = part10.byteLength;
  const view = new DataView(part10.buffer, part10.byteOffset, n);
  for (let p = n - 8; p >= 132; p--) {
    if (part10[p] !== 0xe0 || part10[p + 1] !== 0x7f || part10[p + 2] !== 0x10 || part10[p + 3] !== 0x00) continue;
    const vr = String.fromCharCode(part10[p + 4]!, part10[p + 5]!);
    if ((vr === 'OB' || vr === 'OW') && p + 12 <= n) {
      const len = view.getUint32(p + 8, true);
      if (len !== 0xffffffff && p + 12 + len <= n && n - (p + 12 + len) < 16) return part10.subarray(p + 12, p + 12 + len);
    }
    const len = view.getUint32(p + 4, true); // implicit VR
    if (len !== 0xffffffff && p + 8 + len <= n && n - (p + 8 + len) < 16) return part10.subarray(p + 8, p + 8 + len);
  }
  throw new SegError('No native Pixel Data found in the SEG file (compressed SEGs are not supported)');
}
