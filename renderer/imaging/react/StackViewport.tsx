/**
 * A cornerstone3D stack viewport as a self-contained React component (one rendering engine and one tool
 * group per instance, so several can share a page). Mouse: left = the active tool (prop `tool`),
 * right-drag = window/level, Shift+right-drag = zoom, middle-drag = pan, wheel = scroll, Ctrl+wheel = zoom.
 * Keys while focused: see renderer/imaging/stack/keymap.ts. It reports what the overlays show
 * (onViewState), the measurements (onMeasurements), and takes commands through `ref` (StackViewportHandle).
 */
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { cache, Enums, eventTarget, getEnabledElement, utilities, type Types } from '@cornerstonejs/core';
import { AngleTool, annotation, AnnotationTool, EllipticalROITool, Enums as ToolEnums, LengthTool, ProbeTool, RectangleROITool, utilities as toolUtilities } from '@cornerstonejs/tools';
import { getNumber, getString } from '../../../common/dicom/dicomJson';
import type { SavedImageRef, SavedMeasurement, SavedTool } from '../../../common/sr/savedMeasurements';
import { handlesOfSaved, savedOfAnnotation } from '../stack/savedAnnotations';
import { Tag } from '../../../common/dicom/tags';
import type { ShortcutMap } from '../../../common/viewer/shortcuts';
import { registerStackMetadata } from '../init';
import type { StackEntry } from '../imageIds';
import { clampFps, stackKeyAction, type StackAction, type StackTool } from '../stack/keymap';
import { measurementText, summarizeMeasurements, MEASUREMENT_TOOLS, type AnnotationLike, type Measurement } from '../stack/measurements';
import { markersFromScreenAxes, orientationMarkers, type OrientationMarkers, type Vec3 } from '../stack/orientation';
import { autoWindow, type WindowLevel } from '../stack/presets';
import { chooseScaleBar, type ScaleBar } from '../stack/scaleBar';
import { createStackToolGroup, setPrimaryTool, type StackToolGroup } from '../stack/tools';
import { useViewportLifecycle } from './useViewportLifecycle';

export interface ViewState {
  index: number;
  count: number;
  windowWidth: number;
  windowCenter: number;
  zoom: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  /** Degrees clockwise, 0–359. */
  rotation: number;
  invert: boolean;
  /** Patient directions at the screen edges (from the camera), undefined without orientation. */
  markers?: OrientationMarkers;
  /** Undefined when the image has no Pixel Spacing (then `pixelSpacingKnown` is false). */
  scaleBar?: ScaleBar;
  pixelSpacingKnown: boolean;
}

export interface CineState {
  playing: boolean;
  /** 1–60. */
  fps: number;
}

/** Commands from a toolbar (the same as the keys). */
export interface StackViewportHandle {
  run(action: StackAction): void;
  deleteMeasurement(uid: string): void;
  focus(): void;
  /** Canvas point (CSS px) of an image pixel position in the current image, for overlays drawn by features. */
  imageToCanvas(column: number, row: number): [number, number] | undefined;
  /** The patient-space point (mm) under a canvas point (CSS px) on the image shown: readouts of other data there (dose). */
  canvasToWorld(x: number, y: number): [number, number, number] | undefined;
  /** The index of the image shown now (not the last one reported: a scroll may be on its way). */
  currentIndex(): number | undefined;
  /** The measurements on this stack as they are saved (issue #19); those that cannot be saved are left out. */
  savedMeasurements(): SavedMeasurement[];
  /** Draws saved measurements again on their images (those of other images, or already drawn, are skipped); the tracking UIDs drawn. */
  restoreMeasurements(list: readonly SavedMeasurement[]): string[];
  /** The image shown now as a DICOM reference (a key image). */
  currentImageRef(): SavedImageRef | undefined;
  /** Shows the image with this SOP Instance UID (and frame); false when it is not in this stack. */
  showImage(ref: { sopInstanceUid: string; frame?: number }): boolean;
}

export interface StackViewportProps {
  entries: readonly StackEntry[];
  dataPlaneHeaders: Record<string, string>;
  /** Label for screen readers and the key of the test hook `window.__dokueiViewports[label]`. Unique per page. */
  label: string;
  /** The left-button tool. */
  tool?: StackTool;
  onToolChange?: (tool: StackTool) => void;
  cine?: CineState;
  onCineChange?: (cine: CineState) => void;
  onViewState?: (state: ViewState) => void;
  onMeasurements?: (list: Measurement[]) => void;
  /** The viewport is built and its handle answers (saved measurements can be drawn now). */
  onReady?: () => void;
  /** The key-image key (K) was pressed on this image. */
  onKeyImage?: (ref: SavedImageRef) => void;
  onError?: (message: string) => void;
  /** The viewer keys (the reader's map merged over the defaults); DEFAULT_SHORTCUTS when absent. */
  keymap?: ShortcutMap;
  /** The window the series opens in (a hanging protocol's preset); the image's own window when absent. */
  initialWindow?: WindowLevel;
  ref?: Ref<StackViewportHandle>;
}

/** Measurement plus where its handles are, in image pixel coordinates (column, row; 0,0 = top-left corner). */
export interface ProbedMeasurement extends Measurement {
  handles: [number, number][];
}

/** The test hook: what the viewport shows, read without parsing the overlays. */
export interface ViewportProbe {
  canvasToImage(x: number, y: number): { imageId: string; column: number; row: number } | undefined;
  imageToCanvas(column: number, row: number): [number, number] | undefined;
  voiRange(): { lower: number; upper: number } | undefined;
  viewState(): (ViewState & { iopMarkers?: OrientationMarkers; mmPerPx?: number; imageId?: string }) | undefined;
  measurements(): ProbedMeasurement[];
  /**
   * The modality value (HU for CT) of the pixel under a canvas point (CSS px), from the image's pixel data; for a
   * colour image also its components as the viewer holds them (RGB after the loader's colour conversion).
   */
  probeAt(x: number, y: number): { value: number; column: number; row: number; imageId: string; rgb?: number[] } | undefined;
}
declare global {
  interface Window {
    __dokueiViewports?: Record<string, ViewportProbe>;
  }
}

/** What a built viewport offers the props' effects and the handle. */
interface LiveStack {
  viewport: Types.IStackViewport;
  group: StackToolGroup;
  run(a: StackAction): void;
  deleteMeasurement(uid: string): void;
  saved(): SavedMeasurement[];
  restore(list: readonly SavedMeasurement[]): string[];
  imageRef(imageId: string | undefined): SavedImageRef | undefined;
  show(ref: { sopInstanceUid: string; frame?: number }): boolean;
}

/** The tools that draw saved measurements again (their own hydrate: the values are computed as when drawn). */
const HYDRATORS: Partial<Record<SavedTool, { hydrate: (viewportId: string, points: Types.Point3[], options: Record<string, unknown>) => void }>> = {
  Length: LengthTool,
  Angle: AngleTool,
  EllipticalROI: EllipticalROITool,
  RectangleROI: RectangleROITool,
  Probe: ProbeTool,
};

/** "sop/frame": how a saved image reference and a stack image meet. */
const imageKeyOf = (sop: string, frame: number | undefined) => `${sop}/${frame ?? 1}`;

const numbers = (e: StackEntry | undefined, tag: string): number[] | undefined => {
  const v = (e?.metadata[tag]?.Value ?? []).map((x) => (typeof x === 'number' ? x : Number(x)));
  return v.length > 0 && v.every(Number.isFinite) ? v : undefined;
};

const sub = (a: Types.Point3, b: Types.Point3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const len = (v: Vec3) => Math.hypot(v[0], v[1], v[2]);
const unit = (v: Vec3): Vec3 => {
  const l = len(v) || 1;
  return [v[0] / l, v[1] / l, v[2] / l];
};

/** Modality values of a cornerstone image (its pixel data is stored scaled or raw). */
function modalityValue(image: Types.IImage, raw: number): number {
  return image.preScale?.scaled ? raw : raw * (image.slope ?? 1) + (image.intercept ?? 0);
}

export function StackViewport(props: StackViewportProps) {
  const { entries, dataPlaneHeaders, label, tool = 'WindowLevel', cine, ref } = props;
  const elementRef = useRef<HTMLDivElement>(null);
  const callbacks = useRef(props);
  callbacks.current = props;
  const toolRef = useRef(tool);
  toolRef.current = tool;
  const cineRef = useRef(cine);
  cineRef.current = cine;

  const { status: state, session: live } = useViewportLifecycle<LiveStack>(
    {
      kind: 'stack',
      dataPlaneHeaders,
      failure: 'Could not show the series',
      onError: props.onError,
      // A layout change or a window resize resizes the cell: the canvas follows (else the picture stretches).
      resizeWith: elementRef,
      async setup(build) {
        const element = elementRef.current;
        if (!element || entries.length === 0) return;
        const id = build.id;
        const imageIds = entries.map((e) => e.imageId);
        registerStackMetadata(entries);
        const engine = build.createEngine([{ viewportId: id, type: Enums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] } }]);
        const viewport = engine.getViewport(id) as Types.IStackViewport;
        const group = build.toolGroup('tools', (groupId) => createStackToolGroup(groupId, id, id, toolRef.current));
        // A clip still playing would step a destroyed viewport.
        build.onTeardown(() => {
          try {
            toolUtilities.cine.stopClip(element);
          } catch {
            // never played
          }
        });

        const entryById = new Map(entries.map((e) => [e.imageId, e]));
        const entryAt = (i: number) => entries[Math.min(entries.length - 1, Math.max(0, i))];
        const spacingKnown = () => (numbers(entryAt(viewport.getCurrentImageIdIndex()), Tag.PixelSpacing)?.length ?? 0) >= 2;

        const screenAxes = () => {
          const p0 = viewport.canvasToWorld([0, 0]);
          const right = sub(viewport.canvasToWorld([100, 0]), p0);
          const down = sub(viewport.canvasToWorld([0, 100]), p0);
          return { right: unit(right), down: unit(down), mmPerPx: len(right) / 100 };
        };

        const currentView = (): ViewState & { iopMarkers?: OrientationMarkers; mmPerPx?: number; imageId?: string } => {
          const { voiRange, invert } = viewport.getProperties();
          const { windowWidth: ww, windowCenter: wc } = voiRange ? utilities.windowLevel.toWindowLevel(voiRange.lower, voiRange.upper) : { windowWidth: 0, windowCenter: 0 };
          const camera = viewport.getCamera();
          const view = { flipHorizontal: !!camera.flipHorizontal, flipVertical: !!camera.flipVertical, rotation: Math.round(viewport.getRotation()) % 360 };
          const iop = numbers(entryAt(viewport.getCurrentImageIdIndex()), Tag.ImageOrientationPatient);
          const axes = screenAxes();
          const known = spacingKnown();
          const width = element.clientWidth;
          return {
            index: viewport.getCurrentImageIdIndex(),
            count: entries.length,
            windowWidth: Math.round(ww),
            windowCenter: Math.round(wc),
            zoom: viewport.getZoom(),
            ...view,
            invert: !!invert,
            markers: iop ? markersFromScreenAxes(axes.right, axes.down) : undefined,
            iopMarkers: iop ? orientationMarkers(iop, view) : undefined,
            pixelSpacingKnown: known,
            scaleBar: known ? chooseScaleBar(axes.mmPerPx, Math.max(40, Math.min(160, width * 0.25))) : undefined,
            mmPerPx: axes.mmPerPx,
            imageId: viewport.getCurrentImageId(),
          };
        };

        let lastView = '';
        const report = () => {
          if (build.disposed) return;
          const v = currentView();
          element.dataset.imageIndex = String(v.index);
          const { voiRange } = viewport.getProperties();
          if (voiRange) element.dataset.voi = `${voiRange.lower},${voiRange.upper}`;
          const { iopMarkers: _i, mmPerPx: _m, imageId: _id, ...shown } = v;
          const key = JSON.stringify(shown);
          if (key === lastView) return;
          lastView = key;
          callbacks.current.onViewState?.(shown);
        };

        // cornerstone 5's ProbeTool reads a stack image's voxel at (column, row, index in the stack) of that one image's
        // data, so its value is always undefined on a stack: the value is read here from the image's pixels instead.
        const probeValue = (m: Measurement): Measurement => {
          if (m.tool !== 'Probe' || m.stats.value !== undefined) return m;
          const a = annotation.state.getAnnotation(m.uid) as unknown as { data: { handles?: { points?: Types.Point3[] } } } | undefined;
          const p = a?.data.handles?.points?.[0];
          const image = cache.getImage(m.imageId);
          const at = p ? utilities.worldToImageCoords(m.imageId, p) : undefined;
          if (!image || !at) return m;
          const column = Math.floor(at[0]);
          const row = Math.floor(at[1]);
          if (column < 0 || row < 0 || column >= image.columns || row >= image.rows || image.color) return m;
          const value = modalityValue(image, image.getPixelData()[row * image.columns + column]!);
          const modality = getString(entryById.get(m.imageId)?.metadata ?? {}, Tag.Modality)?.trim();
          const stats = { ...m.stats, value, ...(modality === 'CT' ? { valueUnit: 'HU' } : {}) };
          return { ...m, stats, text: measurementText('Probe', stats) };
        };
        const collect = (): ProbedMeasurement[] => {
          const all: AnnotationLike[] = [];
          // Every measurement on this stack's images, whatever frame of reference the slice on screen has:
          // getAnnotations(tool, element) gives only those of the shown slice's frame of reference, and some
          // anonymizers give each slice its own (LIDC-IDRI does), so scrolling hid the rest and the next save wrote
          // a version without them. summarizeMeasurements keeps those on this stack's images.
          const tools = new Set<string>(MEASUREMENT_TOOLS);
          all.push(...(annotation.state.getAllAnnotations() as unknown as AnnotationLike[]).filter((a) => tools.has(a.metadata.toolName)));
          const rows = summarizeMeasurements(all, imageIds).map(probeValue);
          const byUid = new Map(all.map((a) => [a.annotationUID, a]));
          return rows.map((m) => {
            const a = byUid.get(m.uid) as unknown as { data: { handles?: { points?: Types.Point3[] } } } | undefined;
            const handles = (a?.data.handles?.points ?? []).map((p) => {
              const [c, r] = utilities.worldToImageCoords(m.imageId, p) ?? [NaN, NaN];
              return [c, r] as [number, number];
            });
            return { ...m, handles };
          });
        };
        let lastList = '';
        let pending = 0;
        const refreshMeasurements = () => {
          if (pending || build.disposed) return;
          pending = requestAnimationFrame(() => {
            pending = 0;
            if (build.disposed) return;
            const list = collect().map(({ handles: _h, ...m }) => m);
            const key = JSON.stringify(list);
            if (key === lastList) return;
            lastList = key;
            callbacks.current.onMeasurements?.(list);
          });
        };

        const onRendered = () => {
          report();
          refreshMeasurements();
        };
        const viewEvents = [Enums.Events.IMAGE_RENDERED, Enums.Events.VOI_MODIFIED, Enums.Events.CAMERA_MODIFIED];
        for (const ev of viewEvents) element.addEventListener(ev, onRendered);
        const annotationEvents = [
          ToolEnums.Events.ANNOTATION_COMPLETED,
          ToolEnums.Events.ANNOTATION_MODIFIED,
          ToolEnums.Events.ANNOTATION_REMOVED,
          ToolEnums.Events.ANNOTATION_ADDED,
        ];
        for (const ev of annotationEvents) eventTarget.addEventListener(ev, refreshMeasurements);
        // Saved measurements drawn again on an image not on screen yet: their statistics wait for its pixels.
        // While the stack moves to an image, the viewport already names it but still holds the previous image's
        // pixels; cornerstone computes a restored ellipse's statistics on that render from the wrong slice (no
        // voxels: the mean stays empty, and nothing recomputes it). So they are computed again once the image is in.
        const statsAwaitImage = new Map<string, Set<string>>();
        const onNewImage = (event: Event) => {
          const imageId = (event as CustomEvent<{ imageId?: string }>).detail?.imageId;
          const uids = imageId ? statsAwaitImage.get(imageId) : undefined;
          if (!imageId || !uids) return;
          statsAwaitImage.delete(imageId);
          for (const uid of uids) {
            const a = annotation.state.getAnnotation(uid) as unknown as { data: { cachedStats?: Record<string, unknown> }; invalidated?: boolean } | undefined;
            if (!a) continue;
            a.data.cachedStats = {};
            a.invalidated = true;
          }
          viewport.render();
        };
        element.addEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
        build.onTeardown(() => {
          for (const ev of viewEvents) element.removeEventListener(ev, onRendered);
          for (const ev of annotationEvents) eventTarget.removeEventListener(ev, refreshMeasurements);
          element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
          if (pending) cancelAnimationFrame(pending);
        });

        // A deletion is an edit the reader can undo (the tools record drawing and moving; removing is ours to record).
        const removeWithMemo = (uid: string) => {
          const a = annotation.state.getAnnotation(uid);
          if (a) AnnotationTool.createAnnotationMemo(element, a, { deleting: true });
          annotation.state.removeAnnotation(uid);
        };
        const removeMeasurement = (uid: string) => {
          removeWithMemo(uid);
          viewport.render();
          refreshMeasurements();
        };

        const imageRef = (imageId: string | undefined): SavedImageRef | undefined => {
          const e = imageId ? entryById.get(imageId) : undefined;
          const sop = e ? getString(e.metadata, Tag.SOPInstanceUID)?.trim() : undefined;
          if (!e || !imageId || !sop) return undefined;
          const cls = getString(e.metadata, Tag.SOPClassUID)?.trim();
          const series = getString(e.metadata, Tag.SeriesInstanceUID)?.trim();
          // The frame only for a multi-frame image: a single-frame image's reference names none (PS3.3 C.17.3.2.1).
          const frame = (getNumber(e.metadata, Tag.NumberOfFrames) ?? 1) > 1 ? Number(/\/frames\/(\d+)$/.exec(imageId)?.[1] ?? 1) : undefined;
          return { sopInstanceUid: sop, ...(cls ? { sopClassUid: cls } : {}), ...(series ? { seriesInstanceUid: series } : {}), ...(frame ? { frame } : {}) };
        };
        const indexByImage = new Map<string, number>();
        entries.forEach((e, i) => {
          const ref = imageRef(e.imageId);
          if (ref) indexByImage.set(imageKeyOf(ref.sopInstanceUid, ref.frame), i);
        });
        const saved = (): SavedMeasurement[] => {
          const out: SavedMeasurement[] = [];
          for (const m of collect()) {
            const image = imageRef(m.imageId);
            const a = annotation.state.getAnnotation(m.uid) as unknown as { data?: { label?: string } } | undefined;
            const label = a?.data?.label;
            const s = image ? savedOfAnnotation({ annotationUid: m.uid, tool: m.tool, ...(label ? { label } : {}), image, handles: m.handles, stats: m.stats }) : undefined;
            if (s) out.push(s);
          }
          return out;
        };
        const restore = (list: readonly SavedMeasurement[]): string[] => {
          const drawn: string[] = [];
          for (const m of list) {
            const at = m.image ? indexByImage.get(imageKeyOf(m.image.sopInstanceUid, m.image.frame)) : undefined;
            const tool = HYDRATORS[m.tool];
            const handles = handlesOfSaved(m.tool, m.points);
            if (at === undefined || !tool || !handles) continue;
            // Still drawn from before (the series was shown in this page already): it is there.
            if (annotation.state.getAnnotation(m.trackingUid)) {
              drawn.push(m.trackingUid);
              continue;
            }
            const imageId = entries[at]!.imageId;
            const world = handles.map((h) => utilities.imageToWorldCoords(imageId, h));
            if (world.some((w) => !w)) continue;
            try {
              tool.hydrate(id, world as Types.Point3[], { annotationUID: m.trackingUid, referencedImageId: imageId });
            } catch (err) {
              // One measurement that cannot be drawn must not keep the others from being drawn (it stays saved).
              console.warn('A saved measurement could not be drawn', m.trackingUid, err);
              continue;
            }
            const a = annotation.state.getAnnotation(m.trackingUid) as unknown as
              | { data: { label?: string; cachedStats?: Record<string, unknown> }; metadata: { viewPlaneNormal?: Types.Point3; viewUp?: Types.Point3; FrameOfReferenceUID?: string }; invalidated?: boolean }
              | undefined;
            if (a) {
              // hydrate files the measurement under the frame of reference of the slice on screen; where slices have
              // their own (LIDC-IDRI), cornerstone would look for it under its image's and never draw it there.
              const imageFrame = getString(entries[at]!.metadata, Tag.FrameOfReferenceUID)?.trim();
              if (imageFrame && a.metadata.FrameOfReferenceUID !== imageFrame) {
                annotation.state.removeAnnotation(m.trackingUid);
                a.metadata.FrameOfReferenceUID = imageFrame;
                annotation.state.getAnnotationManager().addAnnotation(a as unknown as Parameters<typeof annotation.state.addAnnotation>[0], imageFrame);
              }
              // hydrate leaves the plane out when given the image; the ellipse's and rectangle's statistics need it
              // (without it only the area comes out). The stack's camera is the plane a measurement drawn now gets.
              const camera = viewport.getCamera();
              if (!a.metadata.viewPlaneNormal && camera.viewPlaneNormal) a.metadata.viewPlaneNormal = [...camera.viewPlaneNormal] as Types.Point3;
              if (!a.metadata.viewUp && camera.viewUp) a.metadata.viewUp = [...camera.viewUp] as Types.Point3;
              // ProbeTool's hydrate leaves no stats object, and its render reads one.
              a.data.cachedStats ??= {};
              if (m.label) a.data.label = m.label;
              // Stats are computed on the next render, from the pixels, as when the measurement was drawn; and again
              // once its image is in, when that is not the image on screen now.
              a.invalidated = true;
              if (viewport.getCornerstoneImage()?.imageId !== imageId) {
                const uids = statsAwaitImage.get(imageId) ?? new Set<string>();
                uids.add(m.trackingUid);
                statsAwaitImage.set(imageId, uids);
              }
              drawn.push(m.trackingUid);
            }
          }
          viewport.render();
          refreshMeasurements();
          return drawn;
        };
        const show = (ref: { sopInstanceUid: string; frame?: number }): boolean => {
          const at = indexByImage.get(imageKeyOf(ref.sopInstanceUid, ref.frame));
          if (at === undefined) return false;
          void viewport.setImageIdIndex(at);
          return true;
        };

        const setWindow = (w: WindowLevel) => {
          viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(w.windowWidth, w.windowCenter) });
          viewport.render();
        };

        const run = (action: StackAction) => {
          switch (action.kind) {
            case 'tool':
              callbacks.current.onToolChange?.(action.tool);
              break;
            case 'preset':
              setWindow(action.preset);
              break;
            case 'autoWindow': {
              const image = viewport.getCornerstoneImage();
              if (!image) break;
              const raw = image.getPixelData();
              const values = new Float32Array(raw.length);
              for (let i = 0; i < raw.length; i++) values[i] = modalityValue(image, raw[i]!);
              const w = autoWindow(values);
              if (w) setWindow(w);
              break;
            }
            case 'imageWindow': {
              // The image's own window (header, or cornerstone's default), keeping the other display settings.
              const { invert } = viewport.getProperties();
              viewport.resetProperties();
              viewport.setProperties({ invert });
              viewport.render();
              break;
            }
            case 'scroll':
              void viewport.scroll(action.delta, false, false);
              break;
            case 'first':
              void viewport.setImageIdIndex(0);
              break;
            case 'last':
              void viewport.setImageIdIndex(entries.length - 1);
              break;
            case 'cine': {
              const c = cineRef.current ?? { playing: false, fps: 10 };
              callbacks.current.onCineChange?.({ ...c, playing: !c.playing });
              break;
            }
            case 'reset':
              viewport.resetCamera();
              viewport.resetProperties();
              viewport.render();
              break;
            case 'invert':
              viewport.setProperties({ invert: !viewport.getProperties().invert });
              viewport.render();
              break;
            case 'flipH':
              viewport.setCamera({ flipHorizontal: !viewport.getCamera().flipHorizontal });
              viewport.render();
              break;
            case 'flipV':
              viewport.setCamera({ flipVertical: !viewport.getCamera().flipVertical });
              viewport.render();
              break;
            case 'rotate':
              viewport.setViewPresentation({ rotation: (((Math.round(viewport.getRotation()) + action.degrees) % 360) + 360) % 360 });
              viewport.render();
              break;
            case 'undo':
            case 'redo': {
              const memo = utilities.HistoryMemo.DefaultHistoryMemo;
              if (action.kind === 'undo') memo.undo();
              else memo.redo();
              viewport.render();
              refreshMeasurements();
              break;
            }
            case 'keyImage': {
              const ref = imageRef(viewport.getCurrentImageId());
              if (ref) callbacks.current.onKeyImage?.(ref);
              break;
            }
            case 'deleteSelected': {
              const ours = new Set(collect().map((m) => m.uid));
              for (const uid of annotation.selection.getAnnotationsSelected() ?? []) if (ours.has(uid)) removeWithMemo(uid);
              viewport.render();
              refreshMeasurements();
              break;
            }
          }
        };

        // Issue 16's bad-input corpus: a frame no decoder can read (random bytes in a JPEG, JPEG-LS or JPEG 2000
        // fragment) left the cell empty without a word, setStack never settling. The load error of this stack's
        // first image ends the setup with a sentence (the lifecycle shows it); the decoder's own words go to the console.
        const ours = new Set(imageIds);
        let loadFailed: (err: Error) => void = () => {};
        const failed = new Promise<never>((_, reject) => (loadFailed = reject));
        failed.catch(() => undefined);
        const onLoadError = (e: Event) => {
          const detail = (e as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
          if (!detail?.imageId || !ours.has(detail.imageId)) return;
          console.warn('Image load error', detail.imageId, detail.error);
          loadFailed(new Error(`image ${imageIds.indexOf(detail.imageId) + 1} of ${imageIds.length} cannot be decoded: its data is damaged or in a form the decoder does not know`));
        };
        // A JPEG 2000 / HTJ2K decoder fed garbage returns without an error but without the image (fewer values
        // than rows × columns): cornerstone then never draws it. Such a load counts as failed too.
        const onLoaded = (e: Event) => {
          const image = (e as CustomEvent<{ image?: { imageId?: string; rows: number; columns: number; getPixelData(): ArrayLike<number> } }>).detail?.image;
          if (!image?.imageId || !ours.has(image.imageId)) return;
          const values = image.getPixelData()?.length ?? 0;
          if (image.rows > 0 && image.columns > 0 && values >= image.rows * image.columns) return;
          console.warn('Image decoded short', image.imageId, `${values} values for ${image.rows}×${image.columns}`);
          loadFailed(new Error(`image ${imageIds.indexOf(image.imageId) + 1} of ${imageIds.length} cannot be decoded: its data is damaged or in a form the decoder does not know`));
        };
        eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
        eventTarget.addEventListener(Enums.Events.IMAGE_LOADED, onLoaded);
        build.onTeardown(() => {
          eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
          eventTarget.removeEventListener(Enums.Events.IMAGE_LOADED, onLoaded);
        });
        await Promise.race([viewport.setStack(imageIds, Math.floor(imageIds.length / 2)), failed]);
        if (build.disposed) return;
        const initial = callbacks.current.initialWindow;
        if (initial) viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(initial.windowWidth, initial.windowCenter) });
        viewport.render();

        const canvasToImage = (x: number, y: number) => {
          const imageId = viewport.getCurrentImageId();
          if (!imageId) return undefined;
          const [column, row] = utilities.worldToImageCoords(imageId, viewport.canvasToWorld([x, y])) ?? [];
          return column === undefined || row === undefined ? undefined : { imageId, column, row };
        };
        build.expose('__dokueiViewports', label, {
          canvasToImage,
          imageToCanvas(column, row) {
            const imageId = viewport.getCurrentImageId();
            if (!imageId) return undefined;
            const world = utilities.imageToWorldCoords(imageId, [column, row]);
            if (!world) return undefined;
            const [x, y] = viewport.worldToCanvas(world);
            return [x, y];
          },
          voiRange: () => viewport.getProperties().voiRange,
          viewState: () => currentView(),
          measurements: () => collect(),
          probeAt(x, y) {
            const at = canvasToImage(x, y);
            const image = viewport.getCornerstoneImage();
            if (!at || !image) return undefined;
            const column = Math.floor(at.column);
            const row = Math.floor(at.row);
            if (column < 0 || row < 0 || column >= image.columns || row >= image.rows) return undefined;
            const pixels = image.getPixelData();
            const components = image.color ? pixels.length / (image.rows * image.columns) : 1;
            if (components === 1) return { value: modalityValue(image, pixels[row * image.columns + column]!), column, row, imageId: at.imageId };
            const first = (row * image.columns + column) * components;
            const rgb = Array.from(pixels.subarray(first, first + Math.min(3, components)));
            return { value: rgb[0]!, column, row, imageId: at.imageId, rgb };
          },
        });
        build.ready({ viewport, group, run, deleteMeasurement: removeMeasurement, saved, restore, imageRef, show });
        report();
        callbacks.current.onReady?.();
      },
    },
    [entries, dataPlaneHeaders, label],
  );

  // The left-button tool follows the prop.
  useEffect(() => {
    if (state === 'ready' && live.current) setPrimaryTool(live.current.group, tool);
  }, [tool, state]);

  // Cine follows the prop: loops over the stack at the chosen rate.
  const playing = !!cine?.playing;
  const fps = clampFps(cine?.fps ?? 10);
  useEffect(() => {
    const element = elementRef.current;
    if (state !== 'ready' || !element || !live.current) return;
    if (!playing) return;
    toolUtilities.cine.playClip(element, { framesPerSecond: fps, loop: true });
    return () => toolUtilities.cine.stopClip(element);
  }, [playing, fps, state]);

  useImperativeHandle(
    ref,
    () => ({
      run: (a) => live.current?.run(a),
      deleteMeasurement: (uid) => live.current?.deleteMeasurement(uid),
      focus: () => elementRef.current?.focus(),
      currentIndex: () => live.current?.viewport.getCurrentImageIdIndex(),
      savedMeasurements: () => live.current?.saved() ?? [],
      restoreMeasurements: (list) => live.current?.restore(list) ?? [],
      currentImageRef: () => live.current?.imageRef(live.current.viewport.getCurrentImageId()),
      showImage: (ref) => live.current?.show(ref) ?? false,
      imageToCanvas: (column, row) => {
        const viewport = live.current?.viewport;
        const imageId = viewport?.getCurrentImageId();
        const world = imageId ? utilities.imageToWorldCoords(imageId, [column, row]) : undefined;
        if (!viewport || !world) return undefined;
        const [x, y] = viewport.worldToCanvas(world);
        return [x, y];
      },
      canvasToWorld: (x, y) => {
        const viewport = live.current?.viewport;
        if (!viewport?.getCurrentImageId()) return undefined;
        const [a, b, c] = viewport.canvasToWorld([x, y]);
        return [a, b, c];
      },
    }),
    [],
  );

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!live.current || !findViewport(elementRef.current)) return;
    const action = stackKeyAction(e, props.keymap);
    if (!action) return;
    live.current.run(action);
    e.preventDefault();
  };

  return (
    <div
      ref={elementRef}
      className="viewport"
      tabIndex={0}
      role="img"
      aria-label={label}
      data-state={state}
      data-tool={tool}
      data-cine={playing ? 'playing' : 'stopped'}
      onKeyDown={onKeyDown}
      onMouseDown={() => elementRef.current?.focus({ preventScroll: true })}
      onContextMenu={(e) => e.preventDefault()}
    />
  );
}

function findViewport(element: HTMLDivElement | null): Types.IStackViewport | undefined {
  if (!element) return undefined;
  return getEnabledElement(element)?.viewport as Types.IStackViewport | undefined;
}
