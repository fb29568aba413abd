/**
 * Where an SR's image references point (issue #19): study and series from the evidence sequences, labels from the
 * study listings ("Image 12 of series Chest"), a plainer label when the image is not found, and the jump request.
 */
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import type { SrNode } from '../../../../../../common/sr';
import type { Translate } from '../../../../../../renderer/features/reports/model/format';
import { evidenceLocations, imageInfoFromListings, imageLabel, jumpTarget, referencedImages, uidTail } from '../../../../../../renderer/features/reports/model/imageRefs';

const ui = (v: string) => ({ vr: 'UI', Value: [v] });
const sq = (items: DicomJsonDataset[]) => ({ vr: 'SQ', Value: items });
const sop = (uid: string) => ({ '00081150': ui('1.2.840.10008.5.1.4.1.1.2'), '00081155': ui(uid) });

/** A `t` that shows the key and its values, so the tests see which sentence was chosen. */
const t: Translate = (key, values) => `${key}${values ? JSON.stringify(values) : ''}`;

describe('SR image references', () => {
  it('reads where each image is from both evidence sequences, skipping malformed items', () => {
    const ds: DicomJsonDataset = {
      '0040A375': sq([{ '0020000D': ui('1.1'), '00081115': sq([{ '0020000E': ui('1.1.1'), '00081199': sq([sop('1.1.1.1'), sop('1.1.1.2')]) }]) }]),
      '0040A385': sq([
        { '0020000D': ui('2.1'), '00081115': sq([{ '0020000E': ui('2.1.1'), '00081199': sq([sop('2.1.1.1')]) }, { '00081199': sq([sop('2.9')]) }]) },
        { '00081115': sq([{ '0020000E': ui('3.1.1'), '00081199': sq([sop('3.1.1.1')]) }]) },
      ]),
    };
    expect([...evidenceLocations(ds)]).toEqual([
      ['1.1.1.1', { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1' }],
      ['1.1.1.2', { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1' }],
      ['2.1.1.1', { studyInstanceUid: '2.1', seriesInstanceUid: '2.1.1' }],
    ]);
    expect(evidenceLocations({ '0040A375': { vr: 'SQ', Value: ['nonsense' as never] } }).size).toBe(0);
  });

  it('collects each referenced image once, SCOORD images included', () => {
    const img = (id: string, uid: string): SrNode => ({ kind: 'image', id, image: { sopInstanceUid: uid }, children: [] });
    const root: SrNode = {
      kind: 'container',
      id: '1',
      continuity: 'SEPARATE',
      children: [img('1.1', 'A'), { kind: 'scoord', id: '1.2', graphicType: 'POINT', points: [[1, 2]], image: { sopInstanceUid: 'B', frames: [3] }, children: [img('1.2.1', 'B')] }, img('1.3', 'A')],
    };
    expect(referencedImages(root)).toEqual([{ sopInstanceUid: 'A' }, { sopInstanceUid: 'B', frames: [3] }]);
  });

  it('labels an image by instance number and series description, else series number, else UID ends', () => {
    const instances: DicomJsonDataset[] = [
      { '00080018': ui('9.1'), '0020000E': ui('9'), '00200013': { vr: 'IS', Value: ['12'] } },
      { '00080018': ui('8.1'), '0020000E': ui('8') },
    ];
    const series: DicomJsonDataset[] = [{ '0020000E': ui('9'), '0008103E': { vr: 'LO', Value: ['Chest 1.0'] }, '00200011': { vr: 'IS', Value: ['2'] } }, { '0020000E': ui('8'), '00200011': { vr: 'IS', Value: ['5'] } }];
    const info = imageInfoFromListings('1.2', instances, series);
    expect(info.get('9.1')).toEqual({ studyInstanceUid: '1.2', seriesInstanceUid: '9', instanceNumber: '12', seriesNumber: '2', seriesDescription: 'Chest 1.0' });
    expect(imageLabel(t, { sopInstanceUid: '9.1' }, info.get('9.1'))).toBe('reports.tree.image{"number":"12","series":"Chest 1.0"}');
    expect(imageLabel(t, { sopInstanceUid: '9.1' }, info.get('9.1'), 3)).toBe('reports.tree.imageFrame{"number":"12","frame":3,"series":"Chest 1.0"}');
    expect(imageLabel(t, { sopInstanceUid: '8.1' }, info.get('8.1'))).toBe('reports.tree.image{"number":"8.1","series":"#5"}');
    const long = '1.2.826.0.1.3680043.9.7777.1.2.3.4';
    expect(imageLabel(t, { sopInstanceUid: long }, undefined)).toBe(`reports.tree.imageUnknown{"uid":"${uidTail(long)}"}`);
    expect(uidTail(long)).toBe('…9.7777.1.2.3.4');
  });

  it('asks to jump only where the series is known, with the referenced frame', () => {
    const where = { studyInstanceUid: '1', seriesInstanceUid: '1.1' };
    expect(jumpTarget({ sopInstanceUid: '1.1.1' }, where)).toEqual({ studyInstanceUid: '1', seriesInstanceUid: '1.1', sopInstanceUid: '1.1.1' });
    expect(jumpTarget({ sopInstanceUid: '1.1.1', frames: [4, 5] }, where)).toEqual({ ...where, sopInstanceUid: '1.1.1', frame: 4 });
    expect(jumpTarget({ sopInstanceUid: '1.1.1', frames: [4] }, where, 2)?.frame).toBe(2);
    expect(jumpTarget({ sopInstanceUid: '1.1.1' }, undefined)).toBeUndefined();
  });
});
