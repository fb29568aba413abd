/**
 * The measurement report (Comprehensive 3D SR, TID 1500) and the Key Object Selection document (issue #19) as
 * dciodvfy (Debian dicom3tools) judges them: no errors, warnings listed. Both on an ASCII header and on PS3.5 H.3.1's
 * Japanese one (ISO 2022 IR 87 in the source, UTF-8 in ours); the report with every tool, labels, predecessors and
 * a measurement without values, and empty (every measurement deleted).
 */
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getString, type DicomJsonDataset } from '../../../common/dicom/dicomJson';
import type { SavedMeasurement } from '../../../common/sr/savedMeasurements';
import { part10ToDicomJson } from '../../../electron/services/dicom/datasetJson';
import { KEY_OBJECT_SELECTION_SOP_CLASS, writeKeyObjectSelection, writeRejectionNote } from '../../../electron/services/reports/keyObjectWriter';
import { COMPREHENSIVE_3D_SR_SOP_CLASS, writeMeasurementReport, type ReportImage } from '../../../electron/services/reports/measurementReportWriter';
import { repoRoot } from '../../support/data';
import { makeTempDir, removeDir } from '../../support/tempDir';
import { dciodvfy } from '../suv/dciodvfy';

const hasDciodvfy = spawnSync('dciodvfy', ['-'], { stdio: 'ignore' }).error === undefined;

const CT = '1.2.840.10008.5.1.4.1.1.2';
const ENHANCED_CT = '1.2.840.10008.5.1.4.1.1.2.1';
const ROOT = '1.2.826.0.1.3680043.9.7777.1921';
const FRAME_OF_REFERENCE = `${ROOT}.3`;

const ASCII_HEADER: DicomJsonDataset = {
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Test^Dciodvfy' }] },
  '00100020': { vr: 'LO', Value: ['SR-1921'] },
  '00100030': { vr: 'DA', Value: ['19700101'] },
  '00100040': { vr: 'CS', Value: ['M'] },
  '0020000D': { vr: 'UI', Value: [`${ROOT}.1`] },
  '00080020': { vr: 'DA', Value: ['20240301'] },
  '00080030': { vr: 'TM', Value: ['101500'] },
  '00080090': { vr: 'PN', Value: [{ Alphabetic: 'Referring^Doctor' }] },
  '00200010': { vr: 'SH', Value: ['S1'] },
  '00080050': { vr: 'SH', Value: ['ACC-3'] },
  '00081030': { vr: 'LO', Value: ['CT chest'] },
};
/** PS3.5 H.3.1: Yamada^Tarou=山田^太郎=やまだ^たろう in \ISO 2022 IR 87. */
const japaneseHeader = (): DicomJsonDataset => part10ToDicomJson(new Uint8Array(readFileSync(path.join(repoRoot, 'test/fixtures/charsets/chrH31.dcm')))).dataset;

function imagesOf(header: DicomJsonDataset): ReportImage[] {
  const series = getString(header, '0020000E') ?? `${ROOT}.2`;
  return [
    { sopClassUid: CT, sopInstanceUid: `${ROOT}.4.1`, seriesInstanceUid: series, frameOfReferenceUid: FRAME_OF_REFERENCE },
    { sopClassUid: ENHANCED_CT, sopInstanceUid: `${ROOT}.4.2`, seriesInstanceUid: `${ROOT}.5`, frameOfReferenceUid: FRAME_OF_REFERENCE },
  ];
}

function measurements(images: ReportImage[], label: string): SavedMeasurement[] {
  const [ct, enhanced] = images;
  const on = (i: ReportImage, frame?: number) => ({ sopClassUid: i.sopClassUid, sopInstanceUid: i.sopInstanceUid, seriesInstanceUid: i.seriesInstanceUid, ...(frame ? { frame } : {}) });
  return [
    { trackingUid: `${ROOT}.6.1`, tool: 'Length', label, image: on(ct!), points: [[10.25, 20.5], [30.5, 40.25]], values: [{ quantity: 'length', value: 12.345678901234567, unit: 'mm' }] },
    { trackingUid: `${ROOT}.6.2`, tool: 'Angle', image: on(ct!), points: [[10, 20], [30, 40], [50, 20]], values: [{ quantity: 'angle', value: 90, unit: 'deg' }] },
    { trackingUid: `${ROOT}.6.3`, tool: 'EllipticalROI', image: on(enhanced!, 4), points: [[50, 30], [50, 70], [40, 50], [60, 50]], values: [{ quantity: 'area', value: 314.159, unit: 'mm2' }, { quantity: 'mean', value: -40.5, unit: "[hnsf'U]" }, { quantity: 'stdDev', value: 12.25, unit: "[hnsf'U]" }] },
    { trackingUid: `${ROOT}.6.4`, tool: 'RectangleROI', image: on(ct!), points: [[10, 10], [30, 10], [30, 25], [10, 25]], values: [] },
    { trackingUid: `${ROOT}.6.5`, tool: 'Probe', image: on(ct!), points: [[7.5, 8.25]], values: [{ quantity: 'value', value: 42, unit: "[hnsf'U]" }] },
    {
      trackingUid: `${ROOT}.6.6`,
      tool: 'SphereROI',
      frameOfReferenceUid: FRAME_OF_REFERENCE,
      points: [[-12.5, 30.25, 101.125], [-2.5, 34.25, 95.125]],
      values: [{ quantity: 'volume', value: 4188.79, unit: 'mm3' }, { quantity: 'suvMax', value: 7.5, unit: '{SUVbw}g/ml' }, { quantity: 'suvPeak', value: 5.5, unit: '{SUVbw}g/ml' }],
    },
    { trackingUid: `${ROOT}.6.7`, tool: 'CurvedPath', frameOfReferenceUid: FRAME_OF_REFERENCE, points: [[1, 2, 3], [4, 6, 3], [5, 9, 10.5]], values: [{ quantity: 'length', value: 12.5, unit: 'mm' }] },
    {
      trackingUid: `${ROOT}.6.8`,
      tool: 'EllipseROI3D',
      frameOfReferenceUid: FRAME_OF_REFERENCE,
      points: [[10, -28, 101.5], [10, -12, 101.5], [5, -20, 101.5], [15, -20, 101.5]],
      values: [{ quantity: 'suvMax', value: 4.25, unit: '{SUVbw}g/ml' }, { quantity: 'area', value: 125.66, unit: 'mm2' }],
    },
  ];
}

const common = (n: number) => ({ sopInstanceUid: `${ROOT}.9.${n}`, seriesInstanceUid: `${ROOT}.9`, instanceNumber: n, now: new Date(2024, 2, 1, 14, 30, 5) });

const cases: [string, () => Uint8Array][] = [
  [
    'measurement report, every tool, ASCII',
    () => {
      const images = imagesOf(ASCII_HEADER);
      return writeMeasurementReport({
        header: ASCII_HEADER,
        measurements: measurements(images, 'nodule A'),
        images,
        predecessors: [{ studyInstanceUid: `${ROOT}.1`, seriesInstanceUid: `${ROOT}.9`, sopClassUid: COMPREHENSIVE_3D_SR_SOP_CLASS, sopInstanceUid: `${ROOT}.9.0` }],
        seriesDescription: 'Dokuei measurements',
        observerName: 'Yamada^Hanako',
        ...common(1),
      });
    },
  ],
  [
    'measurement report, Japanese header and label',
    () => {
      const header = japaneseHeader();
      const images = imagesOf(header);
      return writeMeasurementReport({ header, measurements: measurements(images, '結節 A'), images, observerName: 'Yamada^Hanako=山田^花子', language: 'ja', ...common(2) });
    },
  ],
  ['measurement report, empty', () => writeMeasurementReport({ header: ASCII_HEADER, measurements: [], ...common(3) })],
  [
    'key object selection, ASCII',
    () => {
      const [ct, enhanced] = imagesOf(ASCII_HEADER);
      return writeKeyObjectSelection({ header: ASCII_HEADER, title: 'ofInterest', description: 'For the tumour board', images: [ct!, { ...enhanced!, frame: 3 }], observerName: 'Yamada^Hanako', seriesDescription: 'Dokuei key images', ...common(4) });
    },
  ],
  [
    'key object selection, Japanese header and description',
    () => {
      const header = japaneseHeader();
      return writeKeyObjectSelection({ header, title: 'forTeaching', description: '教育用の典型例', language: 'ja', images: imagesOf(header), ...common(5) });
    },
  ],
  [
    // A title's last key image unmarked: the IOCM rejection note of its two saved versions.
    'rejection note of key object selections',
    () =>
      writeRejectionNote({
        header: ASCII_HEADER,
        rejected: [4, 5].map((n) => ({ sopClassUid: KEY_OBJECT_SELECTION_SOP_CLASS, sopInstanceUid: `${ROOT}.9.${n}`, seriesInstanceUid: `${ROOT}.9` })),
        description: 'Key images unmarked: Of Interest',
        seriesDescription: 'Dokuei key images',
        ...common(6),
      }),
  ],
];

let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir('dokuei-reports-');
});
afterAll(async () => {
  await removeDir(tmp);
});

describe('reports as dciodvfy judges them', () => {
  for (const [i, [name, write]] of cases.entries()) {
    it(`${name}: no errors`, async () => {
      const bytes = write();
      if (!hasDciodvfy) {
        if (process.env.CI) throw new Error('dciodvfy (Debian dicom3tools) is not installed: .ci/run installs it');
        console.warn('dciodvfy not installed (apt-get install dicom3tools): validation skipped');
        return;
      }
      const file = path.join(tmp, `report-${i}.dcm`);
      await fs.writeFile(file, bytes);
      const v = await dciodvfy(file);
      console.log(`dciodvfy (${name}): ${v.errors.length} errors, ${v.warnings.length} warnings${v.warnings.map((w) => `\n  ${w}`).join('')}`);
      expect(v.errors, v.output).toEqual([]);
    });
  }
});
