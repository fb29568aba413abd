/**
 * The lifecycle the viewport components share (StackViewport, MprViewports, FusionViewports, PetMipViewports):
 * start the imaging engine, build the views (async: volumes stream in), report loading / ready / error, keep the
 * canvases 1:1 with their elements, and tear everything down in reverse order of making when a dependency changes
 * or the component unmounts — also halfway through a build, which then stops at its next `disposed` check.
 * The component's `setup` says what to build through the context below; everything made through it is undone.
 */
import { useEffect, useLayoutEffect, useRef, useState, type DependencyList, type RefObject } from 'react';
import { RenderingEngine, type Types } from '@cornerstonejs/core';
import { SynchronizerManager, ToolGroupManager, type Types as ToolTypes } from '@cornerstonejs/tools';
import { initImaging } from '../init';
import { loadVolume, type LoadedVolume } from '../volume/loadVolume';
import { createTeardown } from './teardown';

export type ViewportStatus = 'loading' | 'ready' | 'error';
export type ToolGroup = NonNullable<ReturnType<typeof ToolGroupManager.createToolGroup>>;

/** A tool of a group: added with its configuration, active on `bindings` (none: only added, e.g. to activate later). */
export interface ToolSpec {
  tool: { toolName: string };
  bindings?: ToolTypes.IToolBinding[];
  configuration?: Record<string, unknown>;
  /** Disabled before its group is destroyed: for tools that unbind their listeners only then (Crosshairs). */
  disableAtTeardown?: boolean;
}

/** The `window.__dokuei…` test hooks keyed by a viewport's label. */
type TestHookRegistry = '__dokueiViewports' | '__dokueiMpr' | '__dokueiFusionViews';

export interface ViewportBuild<S> {
  /** Unique per build: the rendering engine's id and the prefix of the build's viewport, tool-group and synchronizer ids. */
  readonly id: string;
  /** Torn down meanwhile: check after every await and stop. */
  readonly disposed: boolean;
  /** Runs `undo` at teardown, before whatever was registered earlier (at once when already torn down). */
  onTeardown(undo: () => void): void;
  /** loadVolume, the volume disposed at teardown — also one that arrives after it. */
  loadVolume(...args: Parameters<typeof loadVolume>): Promise<LoadedVolume>;
  /** The rendering engine (id `id`) with these viewports; destroyed at teardown. */
  createEngine(viewports: Types.PublicViewportInput[]): RenderingEngine;
  /** Tool group `${id}-${suffix}`: these tools on these viewports of the engine, or what `create` makes; destroyed at teardown. */
  toolGroup(suffix: string, spec: { viewports: readonly string[]; tools: readonly ToolSpec[] } | ((groupId: string) => ToolGroup)): ToolGroup;
  /** Synchronizer `${id}-${suffix}` made by `create`; destroyed at teardown. */
  synchronizer<T>(suffix: string, create: (synchronizerId: string) => T): T;
  /** Test hook `window[registry][key]`, removed at teardown. */
  expose<K extends TestHookRegistry>(registry: K, key: string, hook: NonNullable<Window[K]>[string]): void;
  /** The views are built: status 'ready', `session` is `value` until teardown, and canvases follow `resizeWith`. */
  ready(value: S): void;
}

export interface ViewportLifecycleOptions<S> {
  /** Names the build's ids, `dokuei-${kind}-${n}` (n counts per kind). */
  kind: string;
  dataPlaneHeaders: Record<string, string>;
  /** Builds the views once the imaging engine is up; a rejection is reported as `${failure}: ${message}`. */
  setup(build: ViewportBuild<S>): Promise<void>;
  failure: string;
  onError?: ((message: string) => void) | undefined;
  /** Once ready, the engine resizes whenever this element does (canvas pixels stay 1:1, or the picture stretches
   * and canvas ↔ patient mm mappings go wrong). Absent: sized when built. */
  resizeWith?: RefObject<Element | null>;
}

const counters: Record<string, number> = {};

/**
 * Runs `setup` on mount and whenever `deps` change (each run sees that render's options, like an effect); returns the
 * status for `data-state` and what the build made ready (undefined while loading and once torn down).
 */
export function useViewportLifecycle<S>(options: ViewportLifecycleOptions<S>, deps: DependencyList): { status: ViewportStatus; session: RefObject<S | undefined> } {
  const [status, setStatus] = useState<ViewportStatus>('loading');
  const session = useRef<S | undefined>(undefined);
  // The latest handler, as a prop change must not rebuild the views.
  const onError = useRef(options.onError);
  onError.current = options.onError;

  // React detaches the component's elements (its refs turn null) when it commits the change, but runs the effect's
  // cleanup (the teardown) a moment later: a build resuming in between would use elements that are gone and report
  // an error for views already replaced (the new ones then hidden behind it). The layout effect's cleanup runs with
  // the detaching, so the build counts as disposed from then on.
  const detachedRef = useRef({ detached: false });
  useLayoutEffect(() => {
    const mark = { detached: false };
    detachedRef.current = mark;
    return () => {
      mark.detached = true;
    };
  }, deps);

  useEffect(() => {
    const { kind, dataPlaneHeaders, setup, failure, resizeWith } = options;
    const teardown = createTeardown();
    // This commit's mark: layout effects run before the passive ones of the same commit.
    const mark = detachedRef.current;
    const disposed = () => teardown.done || mark.detached;
    const id = `dokuei-${kind}-${(counters[kind] = (counters[kind] ?? 0) + 1)}`;
    let engine: RenderingEngine | undefined;
    const build: ViewportBuild<S> = {
      id,
      get disposed() {
        return disposed();
      },
      onTeardown: teardown.add,
      async loadVolume(...args) {
        const volume = await loadVolume(...args);
        teardown.add(() => volume.dispose());
        return volume;
      },
      createEngine(viewports) {
        const made = new RenderingEngine(id);
        engine = made;
        teardown.add(() => made.destroy());
        made.setViewports(viewports);
        return made;
      },
      toolGroup(suffix, spec) {
        const groupId = `${id}-${suffix}`;
        const tools = typeof spec === 'function' ? [] : spec.tools;
        // Registered before the group is made: one that fails halfway through its setup still goes.
        teardown.add(() => {
          for (const t of tools) if (t.disableAtTeardown) ToolGroupManager.getToolGroup(groupId)?.setToolDisabled(t.tool.toolName);
          ToolGroupManager.destroyToolGroup(groupId);
        });
        if (typeof spec === 'function') return spec(groupId);
        const group = ToolGroupManager.createToolGroup(groupId);
        if (!group) throw new Error(`Could not create tool group ${groupId}`);
        for (const t of tools) group.addTool(t.tool.toolName, t.configuration);
        for (const viewportId of spec.viewports) group.addViewport(viewportId, id);
        for (const t of tools) if (t.bindings) group.setToolActive(t.tool.toolName, { bindings: t.bindings });
        return group;
      },
      synchronizer(suffix, create) {
        const synchronizerId = `${id}-${suffix}`;
        teardown.add(() => SynchronizerManager.destroySynchronizer(synchronizerId));
        return create(synchronizerId);
      },
      expose(registry, key, hook) {
        ((window[registry] ??= {}) as Record<string, unknown>)[key] = hook;
        teardown.add(() => delete (window[registry] as Record<string, unknown> | undefined)?.[key]);
      },
      ready(value) {
        session.current = value;
        teardown.add(() => (session.current = undefined));
        setStatus('ready');
        const element = resizeWith?.current;
        const resized = engine;
        if (!element || !resized) return;
        // Checked as well as disconnected at teardown: a rebuild must never resize the engine it destroyed.
        const observer = new ResizeObserver(() => !disposed() && resized.resize(true, true));
        observer.observe(element);
        teardown.add(() => observer.disconnect());
      },
    };

    setStatus('loading');
    (async () => {
      await initImaging(dataPlaneHeaders);
      if (!disposed()) await setup(build);
    })().catch((err: unknown) => {
      if (disposed()) return;
      setStatus('error');
      onError.current?.(`${failure}: ${err instanceof Error ? err.message : String(err)}`);
    });
    return teardown.run;
    // `deps` are the caller's: the options of the render that changed them build the views, as with an effect.
  }, deps);

  return { status, session };
}
