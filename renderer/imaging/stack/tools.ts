/**
 * Tool setup for one stack viewport: its own tool group (ids are per instance, so several viewports can live
 * on one page) with the fixed bindings
 *   left = the active tool · right-drag = window/level · Shift+right-drag = zoom · middle-drag = pan ·
 *   wheel = scroll slices · Ctrl+wheel = zoom
 * and the measurement tools passive (their handles stay editable) when another tool has the left button.
 */
import {
  AngleTool,
  EllipticalROITool,
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  ProbeTool,
  RectangleROITool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import type { StackTool } from './keymap';

/** Every tool class the stack viewer uses: registered once globally by init.ts. */
export const STACK_TOOL_CLASSES = [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, AngleTool, EllipticalROITool, RectangleROITool, ProbeTool];

const { MouseBindings, KeyboardBindings } = ToolEnums;

const FIXED_BINDINGS: Record<string, ToolTypes.IToolBinding[]> = {
  [WindowLevelTool.toolName]: [{ mouseButton: MouseBindings.Secondary }],
  [ZoomTool.toolName]: [
    { mouseButton: MouseBindings.Secondary, modifierKey: KeyboardBindings.Shift },
    { mouseButton: MouseBindings.Wheel, modifierKey: KeyboardBindings.Ctrl },
  ],
  [PanTool.toolName]: [{ mouseButton: MouseBindings.Auxiliary }],
  [StackScrollTool.toolName]: [{ mouseButton: MouseBindings.Wheel }],
};

const ANNOTATION_TOOLS = [LengthTool, AngleTool, EllipticalROITool, RectangleROITool, ProbeTool].map((t) => t.toolName);

export type StackToolGroup = NonNullable<ReturnType<typeof ToolGroupManager.createToolGroup>>;

export function createStackToolGroup(toolGroupId: string, viewportId: string, renderingEngineId: string, primary: StackTool): StackToolGroup {
  ToolGroupManager.destroyToolGroup(toolGroupId);
  const group = ToolGroupManager.createToolGroup(toolGroupId);
  if (!group) throw new Error(`Could not create tool group ${toolGroupId}`);
  for (const t of STACK_TOOL_CLASSES) group.addTool(t.toolName);
  group.addViewport(viewportId, renderingEngineId);
  for (const [name, bindings] of Object.entries(FIXED_BINDINGS)) group.setToolActive(name, { bindings });
  for (const name of ANNOTATION_TOOLS) group.setToolPassive(name);
  setPrimaryTool(group, primary);
  return group;
}

/** Gives the left button to `tool`; the previous holder keeps its fixed bindings (or turns passive). */
export function setPrimaryTool(group: StackToolGroup, tool: StackTool): void {
  const current = group.getActivePrimaryMouseButtonTool();
  if (current === tool) return;
  if (current) group.setToolPassive(current, { removeAllBindings: [{ mouseButton: MouseBindings.Primary }] });
  group.setToolActive(tool, { bindings: [{ mouseButton: MouseBindings.Primary }] });
}
