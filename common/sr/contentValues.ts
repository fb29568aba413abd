/**
 * The value of one SR content item, by Value Type (PS3.3 C.18.1–C.18.11, C.17.3.3 for CONTAINER): the part of a
 * content tree node that is not its place in the tree. contentTree.ts puts it in place.
 *
 * A value the item must have but does not (a TEXT without Text Value, an IMAGE without an instance UID, Graphic
 * Data whose count does not fit its Graphic Type) is a Problem: the node becomes 'invalid' with that reason. What
 * is merely odd (a NUM without units, an unknown continuity) is a warning, and the value is kept.
 */
import type { DicomJsonDataset } from '../dicom/dicomJson';
import type { SrImageRef, SrInstanceRef, SrNode, SrScoord3dGraphicType, SrScoordGraphicType } from './contentTree';
import { code, codeString, element, firstItem, isProblem, numbers, personName, plain, SrTag, text, type Problem } from './srElements';

type Core<N> = N extends SrNode ? Omit<N, 'id' | 'relationship' | 'concept' | 'observationDateTime' | 'children' | 'warnings'> : never;
/** A node without its place in the tree. */
export type SrValue = Core<SrNode>;

/**
 * Graphic Type → how many points it takes: exactly n, or at least `min`. A POLYLINE of one point is taken (with a
 * warning): dcmjs 0.52 writes cornerstone's arrow annotation that way.
 */
const SCOORD_POINTS: Readonly<Record<SrScoordGraphicType, { exactly?: number; min?: number }>> = {
  POINT: { exactly: 1 },
  MULTIPOINT: { min: 1 },
  POLYLINE: { min: 1 },
  CIRCLE: { exactly: 2 },
  ELLIPSE: { exactly: 4 },
};
const SCOORD3D_POINTS: Readonly<Record<SrScoord3dGraphicType, { exactly?: number; min?: number }>> = {
  POINT: { exactly: 1 },
  MULTIPOINT: { min: 1 },
  POLYLINE: { min: 1 },
  POLYGON: { min: 3 },
  ELLIPSE: { exactly: 4 },
  ELLIPSOID: { exactly: 6 },
};

/** The value of an item of Value Type `vt`; `warnings` collects what is odd but readable. */
export function readValue(item: DicomJsonDataset, vt: string, warnings: string[]): SrValue | Problem {
  switch (vt) {
    case 'CONTAINER':
      return container(item, warnings);
    case 'TEXT': {
      const el = element(item, SrTag.TextValue, ['UT', 'LT', 'ST', 'UC', 'LO', 'SH']);
      if (el === undefined) return { problem: 'A TEXT item without Text Value' };
      if (isProblem(el)) return el;
      const first = plain(el.Value?.[0]);
      if (first !== undefined && first !== null && typeof first !== 'string') return { problem: 'Text Value is not text' };
      return { kind: 'text', text: (first ?? '').replace(/[\0 ]+$/, '') };
    }
    case 'CODE': {
      const c = code(item, SrTag.ConceptCodeSequence);
      if (c === undefined) return { problem: 'A CODE item without Concept Code Sequence' };
      return isProblem(c) ? c : { kind: 'code', code: c };
    }
    case 'NUM':
      return num(item, warnings);
    case 'DATE':
      return required(text(item, SrTag.Date, ['DA']), 'A DATE item without Date', (date) => ({ kind: 'date', date }));
    case 'TIME':
      return required(text(item, SrTag.Time, ['TM']), 'A TIME item without Time', (time) => ({ kind: 'time', time }));
    case 'DATETIME':
      return required(text(item, SrTag.DateTime, ['DT']), 'A DATETIME item without DateTime', (dateTime) => ({ kind: 'datetime', dateTime }));
    case 'PNAME':
      return required(personName(item, SrTag.PersonName), 'A PNAME item without Person Name', (pn) => ({ kind: 'pname', name: pn.value, text: pn.text }));
    case 'UIDREF':
      return required(text(item, SrTag.UID, ['UI']), 'A UIDREF item without UID', (uid) => ({ kind: 'uidref', uid }));
    case 'IMAGE': {
      const image = imageRef(item);
      return isProblem(image) ? image : { kind: 'image', image };
    }
    case 'COMPOSITE': {
      const ref = instanceRef(item);
      return isProblem(ref) ? ref : { kind: 'composite', ref: ref.ref };
    }
    case 'WAVEFORM': {
      const ref = instanceRef(item);
      if (isProblem(ref)) return ref;
      const channels = numbers(ref.item, SrTag.ReferencedWaveformChannels, ['US']);
      if (isProblem(channels)) warnings.push(channels.problem);
      return { kind: 'waveform', ref: ref.ref, ...(Array.isArray(channels) ? { channels } : {}) };
    }
    case 'SCOORD':
      return scoord(item, warnings);
    case 'SCOORD3D':
      return scoord3d(item, warnings);
    case 'TCOORD':
      return tcoord(item);
    default:
      return { problem: `Unknown Value Type "${vt}"` };
  }
}

function required<T, V>(v: T | undefined | Problem, missing: string, make: (v: T) => V): V | Problem {
  if (v === undefined) return { problem: missing };
  return isProblem(v) ? v : make(v);
}

function container(item: DicomJsonDataset, warnings: string[]): SrValue {
  const c = codeString(item, SrTag.ContinuityOfContent);
  let continuity: 'SEPARATE' | 'CONTINUOUS' = 'SEPARATE';
  if (c === 'SEPARATE' || c === 'CONTINUOUS') continuity = c;
  else warnings.push(isProblem(c) ? c.problem : c === undefined ? 'A CONTAINER without Continuity of Content (taken as SEPARATE)' : `Continuity of Content "${c}" (taken as SEPARATE)`);
  const out: SrValue = { kind: 'container', continuity };
  const t = firstItem(item, SrTag.ContentTemplateSequence);
  if (isProblem(t)) warnings.push(t.problem);
  else if (t) {
    const tid = text(t, SrTag.TemplateIdentifier, ['CS']);
    const resource = text(t, SrTag.MappingResource, ['CS']);
    if (typeof tid === 'string') out.template = { id: tid, ...(typeof resource === 'string' ? { mappingResource: resource } : {}) };
  }
  return out;
}

function num(item: DicomJsonDataset, warnings: string[]): SrValue | Problem {
  const out: SrValue = { kind: 'num' };
  const qualifier = code(item, SrTag.NumericValueQualifierCodeSequence);
  if (isProblem(qualifier)) warnings.push(qualifier.problem);
  else if (qualifier) out.qualifier = qualifier;
  const mv = firstItem(item, SrTag.MeasuredValueSequence);
  if (isProblem(mv)) return mv;
  if (mv === undefined) {
    if (!out.qualifier) warnings.push('A NUM item without a measured value or a qualifier saying why');
    return out;
  }
  const dsEl = element(mv, SrTag.NumericValue, ['DS']);
  if (isProblem(dsEl)) return dsEl;
  const ds = numbers(mv, SrTag.NumericValue, ['DS']);
  if (isProblem(ds)) return ds;
  const fp = numbers(mv, SrTag.FloatingPointValue, ['FD']);
  if (isProblem(fp)) warnings.push(fp.problem);
  const value = Array.isArray(fp) ? fp[0] : ds?.[0];
  if (value === undefined) {
    const num = numbers(mv, SrTag.RationalNumeratorValue, ['SL']);
    const den = numbers(mv, SrTag.RationalDenominatorValue, ['UL']);
    if (Array.isArray(num) && Array.isArray(den) && den[0] !== 0) out.value = num[0]! / den[0]!;
    else return { problem: 'Measured Value Sequence holds no Numeric Value' };
  } else out.value = value;
  const raw = plain(dsEl?.Value?.[0]);
  if (typeof raw === 'string' || typeof raw === 'number') out.valueText = String(raw).trim();
  const unit = code(mv, SrTag.MeasurementUnitsCodeSequence);
  if (isProblem(unit)) warnings.push(unit.problem);
  else if (unit) out.unit = unit;
  else warnings.push('A numeric value without Measurement Units');
  return out;
}

function instanceRef(item: DicomJsonDataset): { ref: SrInstanceRef; item: DicomJsonDataset } | Problem {
  const ref = firstItem(item, SrTag.ReferencedSOPSequence);
  if (ref === undefined) return { problem: 'A reference without Referenced SOP Sequence' };
  if (isProblem(ref)) return ref;
  const iuid = text(ref, SrTag.ReferencedSOPInstanceUID, ['UI']);
  if (iuid === undefined) return { problem: 'A reference without Referenced SOP Instance UID' };
  if (isProblem(iuid)) return iuid;
  const cuid = text(ref, SrTag.ReferencedSOPClassUID, ['UI']);
  return { ref: { sopInstanceUid: iuid, ...(typeof cuid === 'string' ? { sopClassUid: cuid } : {}) }, item: ref };
}

function imageRef(item: DicomJsonDataset): SrImageRef | Problem {
  const r = instanceRef(item);
  if (isProblem(r)) return r;
  const image: SrImageRef = { ...r.ref };
  const frames = numbers(r.item, SrTag.ReferencedFrameNumber, ['IS', 'US', 'UL']);
  if (isProblem(frames)) return frames;
  if (frames) image.frames = frames;
  const segments = numbers(r.item, SrTag.ReferencedSegmentNumber, ['US', 'IS', 'UL']);
  if (isProblem(segments)) return segments;
  if (segments) image.segments = segments;
  const ps = instanceRef(r.item);
  if (!isProblem(ps)) image.presentationState = ps.ref;
  return image;
}

function graphic<T extends string>(item: DicomJsonDataset, types: Readonly<Record<T, { exactly?: number; min?: number }>>, dims: number, vrs: readonly string[], vt: string, warnings: string[]): { type: T; data: number[] } | Problem {
  const type = codeString(item, SrTag.GraphicType);
  if (type === undefined) return { problem: `A ${vt} item without Graphic Type` };
  if (isProblem(type)) return type;
  if (!Object.prototype.hasOwnProperty.call(types, type)) return { problem: `Graphic Type "${type}" is not one a ${vt} may have` };
  const data = numbers(item, SrTag.GraphicData, vrs);
  if (data === undefined) return { problem: `A ${vt} item without Graphic Data` };
  if (isProblem(data)) return data;
  const rule = types[type as T];
  const n = data.length / dims;
  if (!Number.isInteger(n)) return { problem: `Graphic Data holds ${data.length} values, not a whole number of ${dims}D points` };
  if (rule.exactly !== undefined && n !== rule.exactly) return { problem: `A ${type} takes ${rule.exactly} point${rule.exactly > 1 ? 's' : ''}; Graphic Data holds ${n}` };
  if (rule.min !== undefined && n < rule.min) return { problem: `A ${type} takes at least ${rule.min} point${rule.min > 1 ? 's' : ''}; Graphic Data holds ${n}` };
  if (type === 'POLYLINE' && n === 1) warnings.push('A POLYLINE of a single point');
  return { type: type as T, data };
}

function scoord(item: DicomJsonDataset, warnings: string[]): SrValue | Problem {
  const g = graphic(item, SCOORD_POINTS, 2, ['FL', 'FD', 'DS'], 'SCOORD', warnings);
  if (isProblem(g)) return g;
  const points: [number, number][] = [];
  for (let i = 0; i < g.data.length; i += 2) points.push([g.data[i]!, g.data[i + 1]!]);
  const out: SrValue = { kind: 'scoord', graphicType: g.type, points };
  const origin = codeString(item, SrTag.PixelOriginInterpretation);
  if (origin === 'FRAME' || origin === 'VOLUME') out.pixelOrigin = origin;
  else if (origin !== undefined) warnings.push(isProblem(origin) ? origin.problem : `Pixel Origin Interpretation "${origin}" is not FRAME or VOLUME`);
  const fid = text(item, SrTag.FiducialUID, ['UI']);
  if (typeof fid === 'string') out.fiducialUid = fid;
  return out;
}

function scoord3d(item: DicomJsonDataset, warnings: string[]): SrValue | Problem {
  const g = graphic(item, SCOORD3D_POINTS, 3, ['FD', 'FL', 'DS'], 'SCOORD3D', warnings);
  if (isProblem(g)) return g;
  const points: [number, number, number][] = [];
  for (let i = 0; i < g.data.length; i += 3) points.push([g.data[i]!, g.data[i + 1]!, g.data[i + 2]!]);
  const out: SrValue = { kind: 'scoord3d', graphicType: g.type, points };
  const frame = text(item, SrTag.ReferencedFrameOfReferenceUID, ['UI']);
  if (typeof frame === 'string') out.frameOfReferenceUid = frame;
  else warnings.push(isProblem(frame) ? frame.problem : 'A SCOORD3D without Referenced Frame of Reference UID: its coordinates cannot be placed');
  const fid = text(item, SrTag.FiducialUID, ['UI']);
  if (typeof fid === 'string') out.fiducialUid = fid;
  return out;
}

function tcoord(item: DicomJsonDataset): SrValue | Problem {
  const type = codeString(item, SrTag.TemporalRangeType);
  if (type === undefined) return { problem: 'A TCOORD item without Temporal Range Type' };
  if (isProblem(type)) return type;
  const out: SrValue = { kind: 'tcoord', temporalRangeType: type };
  const samples = numbers(item, SrTag.ReferencedSamplePositions, ['UL']);
  const offsets = numbers(item, SrTag.ReferencedTimeOffsets, ['DS']);
  const times = element(item, SrTag.ReferencedDateTime, ['DT']);
  for (const x of [samples, offsets, times]) if (isProblem(x)) return x;
  if (Array.isArray(samples)) out.samplePositions = samples;
  if (Array.isArray(offsets)) out.timeOffsets = offsets;
  const dts = times && !isProblem(times) ? (times.Value ?? []).map(plain).filter((v): v is string => typeof v === 'string') : [];
  if (dts.length > 0) out.dateTimes = dts;
  if (!out.samplePositions && !out.timeOffsets && !out.dateTimes) return { problem: 'A TCOORD item without sample positions, time offsets or date-times' };
  return out;
}

