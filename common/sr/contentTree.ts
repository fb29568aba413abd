/**
 * A DICOM Structured Report (PS3.3 C.17.3 SR Document Content, C.18 content item macros) as a typed content tree,
 * for the reading panel (issue #19) and for tid1500.ts. Pure and isomorphic: the input is the SR instance as DICOM
 * JSON (WADO-RS metadata or our own Part 10 reader), whatever wrote it.
 *
 * The tree is what the document says, item by item: the root CONTAINER (its Concept Name is the document title),
 * then each Content Sequence item with its Relationship Type, Concept Name and a value of its Value Type. Items
 * included by reference (Referenced Content Item Identifier) stay references to the item they name: they are
 * resolved to tell whether the target exists and whether it loops back to an ancestor, never expanded.
 *
 * Never throws. What cannot be read becomes a node of kind 'invalid' that says why, in the place where it stood,
 * so that the viewer shows the rest: an item without (or with an unknown) Value Type, a value that is missing or
 * has the wrong VR, nesting deeper than 64 levels, an item that contains itself, or more items than a document
 * has any reason to hold. Oddities that leave the value readable are kept as `warnings` on the node.
 */
import type { DicomJsonDataset, PersonNameValue } from '../dicom/dicomJson';
import { code, codeString, element, isProblem, personName, sequence, SrTag, text, type Problem, type SrCode } from './srElements';
import { readValue, type SrValue } from './contentValues';

export type { SrCode } from './srElements';

/** PS3.3 C.17.3.2.4. Any other string is kept as written, with a warning. */
export const SR_RELATIONSHIPS = ['CONTAINS', 'HAS PROPERTIES', 'INFERRED FROM', 'HAS OBS CONTEXT', 'HAS CONCEPT MOD', 'SELECTED FROM', 'HAS ACQ CONTEXT'] as const;
export type SrRelationship = (typeof SR_RELATIONSHIPS)[number];

/** A referenced SOP instance (IMAGE, COMPOSITE and WAVEFORM items; the image a SCOORD is drawn on). */
export interface SrInstanceRef {
  sopClassUid?: string;
  sopInstanceUid: string;
}

export interface SrImageRef extends SrInstanceRef {
  /** Referenced Frame Number: the frames meant in a multi-frame image (1-based); absent: all, or a single-frame image. */
  frames?: number[];
  /** Referenced Segment Number, when the image is a segmentation. */
  segments?: number[];
  /** A presentation state to apply (the nested Referenced SOP Sequence). */
  presentationState?: SrInstanceRef;
}

export type SrScoordGraphicType = 'POINT' | 'MULTIPOINT' | 'POLYLINE' | 'CIRCLE' | 'ELLIPSE';
export type SrScoord3dGraphicType = 'POINT' | 'MULTIPOINT' | 'POLYLINE' | 'POLYGON' | 'ELLIPSE' | 'ELLIPSOID';

interface NodeBase {
  /**
   * Where the item stands, as the standard numbers content items (C.17.3.2.5): the root is "1", its children
   * "1.1", "1.2"…; what a Referenced Content Item Identifier names.
   */
  id: string;
  /** How the item relates to its parent; absent on the root. A value outside SR_RELATIONSHIPS is kept with a warning. */
  relationship?: SrRelationship | (string & Record<never, never>);
  /** Concept Name: the heading of a CONTAINER, the name of a value. */
  concept?: SrCode;
  /** Observation DateTime, when the item has its own. */
  observationDateTime?: string;
  children: SrNode[];
  /** What is odd about the item but left its value readable. */
  warnings?: string[];
}

export interface SrContainerNode extends NodeBase {
  kind: 'container';
  continuity: 'SEPARATE' | 'CONTINUOUS';
  /** Content Template Sequence: the template the container says it follows (e.g. "1500" in "DCMR"). */
  template?: { id: string; mappingResource?: string };
}
export interface SrTextNode extends NodeBase {
  kind: 'text';
  text: string;
}
export interface SrCodeNode extends NodeBase {
  kind: 'code';
  code: SrCode;
}
export interface SrNumNode extends NodeBase {
  kind: 'num';
  /** Floating Point Value when present (more precise), else Numeric Value; absent when the item says why in `qualifier`. */
  value?: number;
  /** The Numeric Value as written (DS text), for display without float noise. */
  valueText?: string;
  /** Measurement Units Code Sequence: UCUM in practice ("mm", "mm2", "[hnsf'U]", "1"). */
  unit?: SrCode;
  /** Numeric Value Qualifier: why there is no value (Not a number, Value unknown…) or what it is (Infinity…). */
  qualifier?: SrCode;
}
export interface SrDateNode extends NodeBase {
  kind: 'date';
  /** DA as written (YYYYMMDD). */
  date: string;
}
export interface SrTimeNode extends NodeBase {
  kind: 'time';
  /** TM as written. */
  time: string;
}
export interface SrDateTimeNode extends NodeBase {
  kind: 'datetime';
  /** DT as written. */
  dateTime: string;
}
export interface SrPersonNameNode extends NodeBase {
  kind: 'pname';
  name: PersonNameValue;
  /** The name formatted for display. */
  text: string;
}
export interface SrUidRefNode extends NodeBase {
  kind: 'uidref';
  uid: string;
}
export interface SrImageNode extends NodeBase {
  kind: 'image';
  image: SrImageRef;
}
export interface SrCompositeNode extends NodeBase {
  kind: 'composite';
  ref: SrInstanceRef;
}
export interface SrWaveformNode extends NodeBase {
  kind: 'waveform';
  ref: SrInstanceRef;
  /** Referenced Waveform Channels: (multiplex group, channel) pairs, flattened. */
  channels?: number[];
}
export interface SrScoordNode extends NodeBase {
  kind: 'scoord';
  graphicType: SrScoordGraphicType;
  /** Graphic Data as (column, row) pairs in image pixels; (0, 0) is the top-left corner of the top-left pixel. */
  points: [number, number][];
  /** The image the coordinates are on: the child IMAGE (SELECTED FROM), inline or by reference. */
  image?: SrImageRef;
  pixelOrigin?: 'FRAME' | 'VOLUME';
  fiducialUid?: string;
}
export interface SrScoord3dNode extends NodeBase {
  kind: 'scoord3d';
  graphicType: SrScoord3dGraphicType;
  /** Graphic Data as (x, y, z) triplets in mm, in the frame of reference below. */
  points: [number, number, number][];
  frameOfReferenceUid?: string;
  fiducialUid?: string;
}
export interface SrTcoordNode extends NodeBase {
  kind: 'tcoord';
  temporalRangeType: string;
  samplePositions?: number[];
  timeOffsets?: number[];
  dateTimes?: string[];
}
/** An item included by reference: it names another item of the tree, which is not copied here. */
export interface SrReferenceNode extends NodeBase {
  kind: 'reference';
  /** The id of the referenced item ("1.2.3"). */
  target: string;
  /** Whether the document has an item with that id. */
  targetFound: boolean;
  /** The target is this item's own ancestor: following it would loop (the reader never does). */
  loop: boolean;
}
/** An item that could not be read, and why; its children are kept when they could be read. */
export interface SrInvalidNode extends NodeBase {
  kind: 'invalid';
  reason: string;
  /** The Value Type as written, when there was one. */
  valueType?: string;
}

export type SrNode =
  | SrContainerNode
  | SrTextNode
  | SrCodeNode
  | SrNumNode
  | SrDateNode
  | SrTimeNode
  | SrDateTimeNode
  | SrPersonNameNode
  | SrUidRefNode
  | SrImageNode
  | SrCompositeNode
  | SrWaveformNode
  | SrScoordNode
  | SrScoord3dNode
  | SrTcoordNode
  | SrReferenceNode
  | SrInvalidNode;

export type SrNodeKind = SrNode['kind'];

export interface SrVerifyingObserver {
  name: string;
  organization?: string;
  dateTime?: string;
}

export interface SrDocument {
  /** The root's Concept Name: what the document is ("Imaging Measurement Report", "Diagnosis"…). */
  title?: SrCode;
  /** The root content item (a CONTAINER, or 'invalid' saying why not). */
  root: SrNode;
  /** Completion Flag: PARTIAL or COMPLETE. */
  completion?: string;
  completionDescription?: string;
  /** Verification Flag: UNVERIFIED or VERIFIED. */
  verification?: string;
  verifyingObservers: SrVerifyingObserver[];
  /** Preliminary Flag: PRELIMINARY or FINAL. */
  preliminary?: string;
  sopClassUid?: string;
  sopInstanceUid?: string;
  contentDate?: string;
  contentTime?: string;
  /** Counts over the whole tree, for a summary line. */
  nodeCount: number;
  invalidCount: number;
}

export interface SrTreeOptions {
  /** Deepest nesting read (the root is level 1); deeper items become 'invalid'. Default 64. */
  maxDepth?: number;
  /** Most content items read; the rest become one 'invalid' item each where they stand. Default 100 000. */
  maxNodes?: number;
}

export const SR_MAX_DEPTH = 64;
const SR_MAX_NODES = 100_000;

/** The content tree of an SR instance. Never throws. */
export function readSrContentTree(ds: DicomJsonDataset, options: SrTreeOptions = {}): SrDocument {
  const limits = { maxDepth: options.maxDepth ?? SR_MAX_DEPTH, maxNodes: options.maxNodes ?? SR_MAX_NODES };
  const state: WalkState = { ...limits, count: 0, path: new Set() };
  const isObject = typeof ds === 'object' && ds !== null && !Array.isArray(ds);
  const root: SrNode = isObject ? readItem(ds, '1', 1, state, true) : { kind: 'invalid', id: '1', reason: 'The SR is not a DICOM JSON dataset', children: [] };
  resolveReferences(root);
  const doc: SrDocument = { root, verifyingObservers: [], nodeCount: 0, invalidCount: 0 };
  if (root.concept) doc.title = root.concept;
  if (isObject) readDocumentAttributes(ds, doc);
  walkSrTree(root, (n) => {
    doc.nodeCount++;
    if (n.kind === 'invalid') doc.invalidCount++;
  });
  return doc;
}

/** Every node, depth first, parents before children. */
export function walkSrTree(node: SrNode, visit: (node: SrNode, parent: SrNode | undefined) => void, parent?: SrNode): void {
  const stack: [SrNode, SrNode | undefined][] = [[node, parent]];
  while (stack.length > 0) {
    const [n, p] = stack.pop()!;
    visit(n, p);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i]!, n]);
  }
}

/** The node with that id ("1.2.3"), if the tree has one. */
export function findSrNode(root: SrNode, id: string): SrNode | undefined {
  if (id === root.id) return root;
  if (!id.startsWith(root.id + '.')) return undefined;
  let node: SrNode | undefined = root;
  for (const part of id.slice(root.id.length + 1).split('.')) {
    const i = Number(part);
    if (!node || !Number.isInteger(i) || i < 1) return undefined;
    node = node.children[i - 1];
  }
  return node?.id === id ? node : undefined;
}

// ---------------------------------------------------------------------------------------------------------

interface WalkState {
  maxDepth: number;
  maxNodes: number;
  count: number;
  /** The items on the path from the root to the current one: an item met again contains itself. */
  path: Set<object>;
}

function invalid(id: string, reason: string, extra: Partial<SrInvalidNode> = {}): SrInvalidNode {
  return { kind: 'invalid', id, reason, children: [], ...extra };
}

function readItem(item: DicomJsonDataset | Problem, id: string, depth: number, state: WalkState, isRoot = false): SrNode {
  state.count++;
  if (isProblem(item)) return invalid(id, item.problem);
  if (state.count > state.maxNodes) return invalid(id, `The document holds more than ${state.maxNodes} content items; the rest is not read`);
  if (depth > state.maxDepth) return invalid(id, `Content items nest deeper than ${state.maxDepth} levels; the rest is not read`);
  if (state.path.has(item)) return invalid(id, 'This content item contains itself (a cycle); it is not read again');
  state.path.add(item);
  try {
    return readItemBody(item, id, depth, state, isRoot);
  } finally {
    state.path.delete(item);
  }
}

function readItemBody(item: DicomJsonDataset, id: string, depth: number, state: WalkState, isRoot: boolean): SrNode {
  const warnings: string[] = [];
  const base: NodeBase = { id, children: [] };

  const rel = codeString(item, SrTag.RelationshipType);
  if (isProblem(rel)) warnings.push(rel.problem);
  else if (rel !== undefined) {
    base.relationship = rel;
    if (!(SR_RELATIONSHIPS as readonly string[]).includes(rel)) warnings.push(`Relationship Type "${rel}" is not one the standard defines`);
  } else if (!isRoot) warnings.push('The item has no Relationship Type');

  const concept = code(item, SrTag.ConceptNameCodeSequence);
  if (isProblem(concept)) warnings.push(concept.problem);
  else if (concept) base.concept = concept;
  const odt = text(item, SrTag.ObservationDateTime, ['DT']);
  if (isProblem(odt)) warnings.push(odt.problem);
  else if (odt) base.observationDateTime = odt;

  let core: SrValue | Problem;
  const refIds = element(item, SrTag.ReferencedContentItemIdentifier, ['UL', 'US', 'IS']);
  if (refIds !== undefined) core = isProblem(refIds) ? refIds : referenceValue(refIds.Value ?? []);
  else {
    const vt = codeString(item, SrTag.ValueType);
    if (isProblem(vt)) core = vt;
    else if (vt === undefined) core = { problem: 'The content item has no Value Type' };
    else {
      core = readValue(item, vt, warnings);
      if (isProblem(core)) core = { kind: 'invalid', reason: core.problem, valueType: vt };
    }
  }
  if (isProblem(core)) core = { kind: 'invalid', reason: core.problem };
  if (isRoot && core.kind !== 'container' && core.kind !== 'invalid') {
    core = { kind: 'invalid', reason: `The document root is ${core.kind === 'reference' ? 'a reference' : `a ${core.kind.toUpperCase()}`}, not a CONTAINER`, valueType: core.kind.toUpperCase() };
  }

  const node = { ...base, ...core, children: readChildren(item, id, depth, state) } as SrNode;
  if (node.kind === 'scoord' && !node.image) {
    const img = node.children.find((c): c is SrImageNode => c.kind === 'image' && (c.relationship === 'SELECTED FROM' || c.relationship === undefined));
    if (img) node.image = img.image;
  }
  if (warnings.length > 0) node.warnings = warnings;
  return node;
}

function readChildren(item: DicomJsonDataset, id: string, depth: number, state: WalkState): SrNode[] {
  const items = sequence(item, SrTag.ContentSequence);
  if (items === undefined) return [];
  if (isProblem(items)) {
    state.count++;
    return [invalid(`${id}.1`, items.problem)];
  }
  const out: SrNode[] = [];
  for (let i = 0; i < items.length; i++) {
    out.push(readItem(items[i]!, `${id}.${i + 1}`, depth + 1, state));
    if (state.count > state.maxNodes && i < items.length - 1) {
      out.push(invalid(`${id}.${i + 2}`, `The document holds more than ${state.maxNodes} content items; the rest is not read`));
      break;
    }
  }
  return out;
}

function referenceValue(values: readonly unknown[]): Omit<SrReferenceNode, keyof NodeBase> | Problem {
  const parts = values.map((v) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN));
  if (parts.length === 0 || parts.some((p) => !Number.isInteger(p) || p < 1 || p > 0xffffffff)) return { problem: 'Referenced Content Item Identifier is not a list of positive whole numbers (UL)' };
  return { kind: 'reference', target: parts.join('.'), targetFound: false, loop: false };
}

/** Second pass: whether each reference's target exists and whether it is an ancestor; a SCOORD's image by reference. */
function resolveReferences(root: SrNode): void {
  const refs: SrReferenceNode[] = [];
  walkSrTree(root, (n) => {
    if (n.kind === 'reference') refs.push(n);
  });
  for (const ref of refs) {
    const target = findSrNode(root, ref.target);
    ref.targetFound = target !== undefined;
    ref.loop = ref.id === ref.target || ref.id.startsWith(ref.target + '.');
  }
  walkSrTree(root, (n) => {
    if (n.kind !== 'scoord' || n.image) return;
    for (const c of n.children) {
      if (c.kind !== 'reference' || c.relationship !== 'SELECTED FROM') continue;
      const t = findSrNode(root, c.target);
      if (t?.kind === 'image') {
        n.image = t.image;
        return;
      }
    }
  });
}

function readDocumentAttributes(ds: DicomJsonDataset, doc: SrDocument): void {
  const str = (tag: string, vrs?: readonly string[]) => {
    const v = vrs ? text(ds, tag, vrs) : codeString(ds, tag);
    return isProblem(v) ? undefined : v;
  };
  const set = <K extends keyof SrDocument>(k: K, v: SrDocument[K] | undefined) => {
    if (v !== undefined) doc[k] = v;
  };
  set('completion', str(SrTag.CompletionFlag));
  set('completionDescription', str(SrTag.CompletionFlagDescription, ['LO']));
  set('verification', str(SrTag.VerificationFlag));
  set('preliminary', str(SrTag.PreliminaryFlag));
  set('sopClassUid', str(SrTag.SOPClassUID, ['UI']));
  set('sopInstanceUid', str(SrTag.SOPInstanceUID, ['UI']));
  set('contentDate', str(SrTag.ContentDate, ['DA']));
  set('contentTime', str(SrTag.ContentTime, ['TM']));
  const observers = sequence(ds, SrTag.VerifyingObserverSequence);
  if (observers && !isProblem(observers)) {
    for (const o of observers) {
      if (isProblem(o)) continue;
      const name = personName(o, SrTag.VerifyingObserverName);
      const obs: SrVerifyingObserver = { name: name && !isProblem(name) ? name.text : '' };
      const org = text(o, SrTag.VerifyingOrganization, ['LO']);
      if (typeof org === 'string') obs.organization = org;
      const when = text(o, SrTag.VerificationDateTime, ['DT']);
      if (typeof when === 'string') obs.dateTime = when;
      doc.verifyingObservers.push(obs);
    }
  }
}
