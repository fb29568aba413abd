/** Part 10 files written with dcmjs from a naturalized dataset, for tests that need a shape no shared file has. */
import dcmjs from 'dcmjs';

interface DcmjsData {
  DicomDict: new (meta: unknown) => { dict: unknown; write(): ArrayBuffer };
  DicomMetaDictionary: { denaturalizeDataset(ds: unknown): unknown };
}
const { DicomDict, DicomMetaDictionary } = (dcmjs as unknown as { data: DcmjsData }).data;

/**
 * `ds` must hold SOPClassUID and SOPInstanceUID. Native pixel data: PixelData an ArrayBuffer; encapsulated
 * (e.g. RLE, '1.2.840.10008.1.2.5'): PixelData an array with one ArrayBuffer per frame.
 */
export function writeDcmjs(ds: Record<string, unknown>, transferSyntaxUid = '1.2.840.10008.1.2.1'): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: ds.SOPClassUID,
    MediaStorageSOPInstanceUID: ds.SOPInstanceUID,
    TransferSyntaxUID: transferSyntaxUid,
    ImplementationClassUID: '1.2.826.0.1.3680043.9.7777.1',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return new Uint8Array(dict.write());
}
