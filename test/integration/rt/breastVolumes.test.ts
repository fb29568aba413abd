/**
 * The real breast RT Structure Set (../shared/data/rt_dicompyler_breast, skipped without it): every ROI's volume by
 * the DVH engine's convention (the volume the viewer's structure list shows) within 2 % of a plain rasterisation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { structureVolumeCc } from '../../../common/rt/dvh';
import { closedPlanes, parseStructureSet } from '../../../common/rt/structureSet';
import { part10ToDicomJson } from '../../../electron/services/dicom/datasetJson';
import { breastSetDir, rasterVolumeCc } from '../../support/rtBreast';

const dir = breastSetDir();

describe.skipIf(!dir)('breast RT Structure Set volumes', () => {
  it('every ROI with closed contours: the engine within 2 % of a rasterisation; the others say why they have none', () => {
    const set = parseStructureSet(part10ToDicomJson(new Uint8Array(readFileSync(path.join(dir!, 'rtss.dcm')))).dataset);
    expect(set.rois.map((r) => r.name)).toEqual(['BODY', 'Areola', 'Borders', 'Breast', 'Heart', 'Lt Lung', 'Nodes', 'Scar', 'Tumor Bed', 'Tumor Bed Block']);
    for (const roi of set.rois) {
      const { planes } = closedPlanes(roi);
      if (!planes.length) {
        expect(roi.name).toBe('Areola');
        continue;
      }
      const engine = structureVolumeCc(planes, 3);
      const raster = rasterVolumeCc(planes, roi.name === 'BODY' ? 1 : 0.5);
      expect(Math.abs(engine / raster - 1), `${roi.name}: ${engine.toFixed(2)} vs ${raster.toFixed(2)} cm³`).toBeLessThan(0.02);
    }
  });
});
