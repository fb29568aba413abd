/**
 * A cornerstone3D stack viewport as a React component: left-drag window/level, middle-drag pan,
 * right-drag zoom, wheel or arrow keys to scroll, R to reset. Reports what the overlays show.
 */
import { useEffect, useRef, useState } from 'react';
import { Enums, getEnabledElement, RenderingEngine, utilities, type Types } from '@cornerstonejs/core';
import { Enums as ToolEnums, PanTool, StackScrollTool, ToolGroupManager, WindowLevelTool, ZoomTool } from '@cornerstonejs/tools';
import { initImaging, registerStackMetadata } from '../init';
import type { StackEntry } from '../imageIds';

export interface ViewState {
  index: number;
  count: number;
  windowWidth: number;
  windowCenter: number;
  zoom: number;
}

export interface StackViewportProps {
  entries: readonly StackEntry[];
  dataPlaneHeaders: Record<string, string>;
  onViewState?: (state: ViewState) => void;
  onError?: (message: string) => void;
  /** Label for screen readers and tests. */
  label: string;
}

let nextId = 0;

/** A diagnostic hook for automated checks: maps a canvas point to image pixel coordinates. */
interface ViewportProbe {
  canvasToImage(x: number, y: number): { imageId: string; column: number; row: number } | undefined;
  voiRange(): { lower: number; upper: number } | undefined;
}
declare global {
  interface Window {
    __dokueiViewports?: Record<string, ViewportProbe>;
  }
}

export function StackViewport({ entries, dataPlaneHeaders, onViewState, onError, label }: StackViewportProps) {
  const elementRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const callbacks = useRef({ onViewState, onError });
  callbacks.current = { onViewState, onError };

  useEffect(() => {
    const element = elementRef.current;
    if (!element || entries.length === 0) return;
    let disposed = false;
    const id = `dokuei-${++nextId}`;
    let engine: RenderingEngine | undefined;
    const toolGroupId = `${id}-tools`;
    setState('loading');

    const report = (viewport: Types.IStackViewport) => {
      const { voiRange } = viewport.getProperties();
      // Same convention as the DICOM header (PS3.3 C.11.2.1.2), so "W 2000 L -450" reads as stored.
      const { windowWidth: ww, windowCenter: wc } = voiRange ? utilities.windowLevel.toWindowLevel(voiRange.lower, voiRange.upper) : { windowWidth: 0, windowCenter: 0 };
      callbacks.current.onViewState?.({
        index: viewport.getCurrentImageIdIndex(),
        count: entries.length,
        windowWidth: Math.round(ww),
        windowCenter: Math.round(wc),
        zoom: viewport.getZoom(),
      });
      element.dataset.imageIndex = String(viewport.getCurrentImageIdIndex());
      if (voiRange) element.dataset.voi = `${voiRange.lower},${voiRange.upper}`;
    };

    (async () => {
      await initImaging(dataPlaneHeaders);
      if (disposed) return;
      registerStackMetadata(entries);
      engine = new RenderingEngine(id);
      engine.enableElement({ viewportId: id, type: Enums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] } });
      const viewport = engine.getViewport(id) as Types.IStackViewport;
      const toolGroup = ToolGroupManager.createToolGroup(toolGroupId);
      if (toolGroup) {
        for (const t of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool]) toolGroup.addTool(t.toolName);
        toolGroup.addViewport(id, id);
        toolGroup.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
        toolGroup.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
        toolGroup.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
        toolGroup.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
      }
      const onRendered = () => report(viewport);
      element.addEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
      element.addEventListener(Enums.Events.VOI_MODIFIED, onRendered);
      const imageIds = entries.map((e) => e.imageId);
      await viewport.setStack(imageIds, Math.floor(imageIds.length / 2));
      if (disposed) return;
      viewport.render();
      window.__dokueiViewports ??= {};
      window.__dokueiViewports[label] = {
        canvasToImage(x, y) {
          const imageId = viewport.getCurrentImageId();
          if (!imageId) return undefined;
          const world = viewport.canvasToWorld([x, y]);
          const [column, row] = utilities.worldToImageCoords(imageId, world) ?? [];
          return column === undefined || row === undefined ? undefined : { imageId, column, row };
        },
        voiRange: () => viewport.getProperties().voiRange,
      };
      setState('ready');
    })().catch((err: unknown) => {
      if (disposed) return;
      setState('error');
      callbacks.current.onError?.(`Could not show the series: ${err instanceof Error ? err.message : String(err)}`);
    });

    return () => {
      disposed = true;
      if (window.__dokueiViewports) delete window.__dokueiViewports[label];
      ToolGroupManager.destroyToolGroup(toolGroupId);
      engine?.destroy();
    };
  }, [entries, dataPlaneHeaders, label]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const engineViewport = findViewport(elementRef.current);
    if (!engineViewport) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') engineViewport.scroll(1);
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') engineViewport.scroll(-1);
    else if (e.key === 'r' || e.key === 'R') {
      engineViewport.resetCamera();
      engineViewport.resetProperties();
      engineViewport.render();
    } else return;
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
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    />
  );
}

function findViewport(element: HTMLDivElement | null): Types.IStackViewport | undefined {
  if (!element) return undefined;
  return getEnabledElement(element)?.viewport as Types.IStackViewport | undefined;
}
