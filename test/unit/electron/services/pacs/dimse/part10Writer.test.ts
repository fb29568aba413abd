import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { getString } from '../../../../../../common/dicom/dicomJson';
import { Tag } from '../../../../../../common/dicom/tags';
import { readPart10Header } from '../../../../../../electron/services/dicom/part10';
import { DOKUEI_IMPLEMENTATION_CLASS_UID, toPart10 } from '../../../../../../electron/services/pacs/dimse/part10Writer';
import { demoCtDir, dicomFilesIn } from '../../../../../support/data';

/** A real file split into what DIMSE carries: the dataset bytes (after the meta group) and its syntax. */
function datasetOf(file: string) {
  const bytes = new Uint8Array(readFileSync(file));
  const meta = dicomParser.parseDicom(bytes, { untilTag: 'x00020010' } as dicomParser.ParseDicomOptions);
  const groupLength = meta.uint32('x00020000')!;
  const ds = dicomParser.parseDicom(bytes);
  return {
    original: bytes,
    dataset: bytes.subarray(144 + groupLength),
    transferSyntaxUid: ds.string('x00020010')!.trim(),
    sopClassUid: ds.string('x00080016')!.trim(),
    sopInstanceUid: ds.string('x00080018')!.trim(),
  };
}

describe('toPart10', () => {
  const file = dicomFilesIn(demoCtDir())[0]!;
  const src = datasetOf(file);

  it('wraps the dataset bytes unchanged behind a complete file meta group', () => {
    const part10 = toPart10({ ...src, sourceAeTitle: 'ORTHANC' });
    expect(Buffer.from(part10.subarray(128, 132)).toString('latin1')).toBe('DICM');
    const parsed = dicomParser.parseDicom(part10);
    expect(parsed.string('x00020002')).toBe(src.sopClassUid);
    expect(parsed.string('x00020003')).toBe(src.sopInstanceUid);
    expect(parsed.string('x00020010')).toBe(src.transferSyntaxUid);
    expect(parsed.string('x00020012')).toBe(DOKUEI_IMPLEMENTATION_CLASS_UID);
    expect(parsed.string('x00020016')).toBe('ORTHANC');
    // The group length covers exactly the meta elements: the dataset starts right after them, byte for byte.
    const start = 144 + parsed.uint32('x00020000')!;
    expect(Buffer.from(part10.subarray(start)).equals(Buffer.from(src.dataset))).toBe(true);
  });

  it('is readable by the store\'s Part 10 reader', () => {
    const { transferSyntaxUid, dataset } = readPart10Header(toPart10(src));
    expect(transferSyntaxUid).toBe(src.transferSyntaxUid);
    expect(getString(dataset, Tag.SOPInstanceUID)).toBe(src.sopInstanceUid);
    expect(getString(dataset, Tag.PatientID)).toBe('LIDC-IDRI-0314');
  });

  it('pads odd-length UIDs with a NUL to an even length', () => {
    const part10 = toPart10({ ...src, sopInstanceUid: '1.2.345' });
    const el = dicomParser.parseDicom(part10).elements['x00020003']!;
    expect(el.length).toBe(8);
    expect(part10[el.dataOffset + 7]).toBe(0);
  });

  it('refuses values that are not UIDs', () => {
    expect(() => toPart10({ ...src, sopInstanceUid: '../../etc/passwd' })).toThrow(/Not a valid UID/);
    expect(() => toPart10({ ...src, transferSyntaxUid: '' })).toThrow(/Not a valid UID/);
  });
});
