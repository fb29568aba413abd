/**
 * Window/level for the MPR planes. cornerstone's WindowLevelTool re-renders every viewport that shows the
 * same volume after each drag step — including the 3D view, whose own transfer function the change does not
 * touch, and which costs seconds per frame on a software GPU. This one sets the VOI and renders the plane
 * dragged; the VOI synchronizer (react/MprViewports.tsx) carries it to the other planes.
 */
import { getEnabledElement, type Types } from '@cornerstonejs/core';
import { WindowLevelTool, type Types as ToolTypes } from '@cornerstonejs/tools';

export class MprWindowLevelTool extends WindowLevelTool {
  static override toolName = 'MprWindowLevel';

  override mouseDragCallback(evt: ToolTypes.EventTypes.InteractionEventType): void {
    const { element, deltaPoints } = evt.detail;
    const viewport = getEnabledElement(element)?.viewport as Types.IVolumeViewport | undefined;
    const range = viewport?.getProperties()?.voiRange;
    if (!viewport || !range) return;
    const newRange = this.getNewRange({
      viewport,
      deltaPointsCanvas: deltaPoints.canvas,
      volumeId: viewport.getVolumeId(),
      lower: range.lower,
      upper: range.upper,
      voiLutFunction: viewport.getProperties()?.VOILUTFunction,
    });
    if (newRange.lower >= newRange.upper) return;
    viewport.setProperties({ voiRange: newRange });
    viewport.render();
  }
}
