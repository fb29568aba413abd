/**
 * The outlines of DICOM SEG segments over one plane (issue #17): a fused PET/CT plane, an MPR plane, a fused plane or
 * a stack cell's image. Each segment's mask (on its series' grid — for a PET, the one the SUV table counts:
 * common/seg) sampled on the plane as it is shown and outlined by marching squares, in the segment's colour;
 * recomputed when the camera moves or the image changes. Never takes the mouse.
 */
import { useEffect, useRef, useState } from 'react';
import { isodoseSegments, segmentsPath } from '../../../../common/rt/isodose';
import { maskOnPlane } from '../../../../common/seg/maskOnPlane';
import { viewportElementIn, watchPlaneSampling } from '../../../imaging';
import type { LoadedSeg } from './useSegmentSuv';

const SAMPLE_PX = 2;
const COLOURS = ['#00ff66', '#ff3399', '#33ccff', '#ffcc00', '#cc66ff', '#ff6633'];

export function SegOutlineLayer({ loaded }: { loaded: LoadedSeg | undefined }) {
  const ref = useRef<SVGSVGElement | null>(null);
  const [paths, setPaths] = useState<{ key: string; segment: number; colour: string; d: string }[]>([]);
  useEffect(() => {
    const element = viewportElementIn(ref.current?.parentElement);
    if (!element || !loaded) return;
    return watchPlaneSampling(element, SAMPLE_PX, (plane) => {
      const out: typeof paths = [];
      loaded.segs.forEach((seg, si) =>
        seg.masks.forEach((m, mi) => {
          const d = segmentsPath(isodoseSegments(maskOnPlane(m.mask, loaded.grid.volume, plane), plane.columns, plane.rows, 0.5), SAMPLE_PX, 1);
          out.push({ key: `${si}-${m.segmentNumber}`, segment: m.segmentNumber, colour: COLOURS[(si + mi) % COLOURS.length]!, d });
        }),
      );
      setPaths(out);
    });
  }, [loaded]);
  return (
    <svg ref={ref} className="seg-outline-layer" data-testid="seg-outline-layer" aria-hidden="true">
      {paths.map((p) => (
        <path key={p.key} d={p.d} data-segment={p.segment} stroke={p.colour} strokeWidth={2} fill="none" />
      ))}
    </svg>
  );
}
