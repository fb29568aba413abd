/**
 * The two dcmjs-dimse workarounds Dokuei depends on (see dimseLib.ts), checked against the installed
 * library so that an upgrade that breaks them fails here, not in a hospital.
 */
import { describe, expect, it } from 'vitest';
import { getPersonName, getString } from '../../../../../../common/dicom/dicomJson';
import { Tag } from '../../../../../../common/dicom/tags';
import { datasetToDicomJson } from '../../../../../../electron/services/dicom/datasetJson';
import { Dataset, KEEP_RAW_READ_OPTIONS, rawBytesOf, rawDataset, rawDatasetsSupported } from '../../../../../../electron/services/pacs/dimse/dimseLib';
import { buildFindIdentifier } from '../../../../../../electron/services/pacs/dimse/findIdentifier';

const IMPLICIT = '1.2.840.10008.1.2';

describe('dcmjs-dimse raw dataset bytes', () => {
  const encoded = new Dataset({ PatientID: 'ABC', PatientName: 'DOE^JANE' }, IMPLICIT).getDenaturalizedDataset();

  it('keeps the bytes, and parses nothing, when our read option is given', () => {
    expect(rawDatasetsSupported()).toBe(true);
    const ds = new Dataset(encoded, IMPLICIT, KEEP_RAW_READ_OPTIONS);
    expect(rawBytesOf(ds)).toBe(encoded);
    expect(ds.getElements()).toEqual({});
  });

  it('leaves every other use of the library as it was', () => {
    const ds = new Dataset(encoded, IMPLICIT);
    expect(rawBytesOf(ds)).toBeUndefined();
    expect(ds.getElement('PatientID')).toBe('ABC');
  });

  it('makes byte carriers for C-STORE datasets', () => {
    const ds = rawDataset(encoded, IMPLICIT);
    expect(rawBytesOf(ds)).toBe(encoded);
    expect(ds.getTransferSyntaxUid()).toBe(IMPLICIT);
  });
});

describe('C-FIND identifiers on the wire', () => {
  it('encode non-ASCII matching keys as UTF-8, as their Specific Character Set says', () => {
    const { elements } = buildFindIdentifier({ level: 'PATIENT', filters: { PatientName: '山田^太郎*' } });
    const bytes = new Dataset(elements, IMPLICIT).getDenaturalizedDataset();
    expect(bytes.includes(Buffer.from('山田', 'utf8'))).toBe(true);
    // Read back by the decoder C-FIND answers go through.
    const json = datasetToDicomJson(bytes, IMPLICIT);
    expect(getString(json, Tag.SpecificCharacterSet)).toBe('ISO_IR 192');
    expect(getPersonName(json, Tag.PatientName)?.Alphabetic).toBe('山田^太郎*');
    expect(getString(json, '00080052')).toBe('PATIENT');
  });
});
