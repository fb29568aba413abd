/**
 * A report's title bar (issue #19): the SR's title, Content Date/Time and author (the observer context's Person
 * Observer Name, else a verifying observer), its kind by SOP class; an encapsulated document's Document Title. And
 * which series open in the report panel: SR and DOC, not KO.
 */
import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../../../../../common/dicom/dicomJson';
import { readSrContentTree } from '../../../../../../common/sr';
import { documentHeading, reportKindKey, reportSeriesKind, srAuthor, srHeading } from '../../../../../../renderer/features/reports/model/reportHeading';

const cs = (v: string) => ({ vr: 'CS', Value: [v] });
const code = (value: string, scheme: string, meaning: string) => ({ vr: 'SQ', Value: [{ '00080100': { vr: 'SH', Value: [value] }, '00080102': { vr: 'SH', Value: [scheme] }, '00080104': { vr: 'LO', Value: [meaning] } }] });

function sr(children: DicomJsonDataset[], extra: DicomJsonDataset = {}): DicomJsonDataset {
  return {
    '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.88.11'] },
    '00080023': { vr: 'DA', Value: ['20260102'] },
    '00080033': { vr: 'TM', Value: ['091500'] },
    '0040A040': cs('CONTAINER'),
    '0040A050': cs('SEPARATE'),
    '0040A043': code('18748-4', 'LN', 'Diagnostic Imaging Report'),
    '0040A730': { vr: 'SQ', Value: children },
    ...extra,
  };
}
const observer = (name: DicomJsonDataset['x']) => ({ '0040A010': cs('HAS OBS CONTEXT'), '0040A040': cs('PNAME'), '0040A043': code('121008', 'DCM', 'Person Observer Name'), '0040A123': name });

describe('report heading', () => {
  it('gives title, date and the observer, with the name in the reader’s language when the caller formats it', () => {
    const doc = readSrContentTree(sr([observer({ vr: 'PN', Value: [{ Alphabetic: 'Yamada^Hanako', Ideographic: '山田^花子' }] })]));
    // Without a formatter: the name as common/dicom writes it, every group.
    expect(srAuthor(doc)).toEqual({ name: { Alphabetic: 'Yamada^Hanako', Ideographic: '山田^花子' }, text: 'Yamada Hanako (山田 花子)' });
    expect(srHeading(doc, 'en', 'Report')).toEqual({ title: 'Diagnostic Imaging Report', when: '2026-01-02 09:15', author: 'Yamada Hanako (山田 花子)', kindKey: 'reports.kind.basicText' });
    expect(srHeading(doc, 'ja', 'レポート', () => '山田 花子')).toMatchObject({ when: '2026/01/02 09:15', author: '山田 花子' });
  });

  it('falls back to the verifying observer, and to the words for an untitled document', () => {
    const doc = readSrContentTree(
      sr([], { '0040A043': { vr: 'SQ', Value: [] }, '0040A073': { vr: 'SQ', Value: [{ '0040A075': { vr: 'PN', Value: [{ Alphabetic: 'Suzuki^Ichiro' }] } }] } }),
    );
    expect(srHeading(doc, 'en', 'Report')).toMatchObject({ title: 'Report', author: 'Suzuki Ichiro' });
    expect(srHeading(readSrContentTree(sr([])), 'en', 'Report').author).toBeUndefined();
  });

  it('names the kind of document by SOP class', () => {
    expect(reportKindKey('1.2.840.10008.5.1.4.1.1.88.33')).toBe('reports.kind.comprehensive');
    expect(reportKindKey('1.2.840.10008.5.1.4.1.1.88.22')).toBe('reports.kind.enhanced');
    expect(reportKindKey('1.2.840.10008.5.1.4.1.1.104.1')).toBe('reports.kind.pdf');
    expect(reportKindKey('1.2.3', 'DOC')).toBe('reports.kind.document');
    expect(reportKindKey(undefined)).toBe('reports.kind.sr');
  });

  it('titles an encapsulated document by Document Title, else its concept', () => {
    const pdf: DicomJsonDataset = { '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.104.1'] }, '00420010': { vr: 'ST', Value: ['CT chest report'] }, '00080023': { vr: 'DA', Value: ['20260102'] } };
    expect(documentHeading(pdf, 'en', 'Report')).toEqual({ title: 'CT chest report', when: '2026-01-02', kindKey: 'reports.kind.pdf' });
    const { '00420010': _, ...untitled } = pdf;
    expect(documentHeading({ ...untitled, '0040A043': code('18748-4', 'LN', 'Diagnostic Imaging Report') }, 'en', 'Report').title).toBe('Diagnostic Imaging Report');
    expect(documentHeading(untitled, 'en', 'Report').title).toBe('Report');
  });

  it('opens SR and DOC series in the report panel, not key objects or images', () => {
    expect(reportSeriesKind('SR')).toBe('sr');
    expect(reportSeriesKind(' doc ')).toBe('doc');
    for (const m of ['KO', 'CT', 'SEG', 'PR', undefined]) expect(reportSeriesKind(m)).toBeUndefined();
  });
});
