/**
 * Orders a series' instances for a stack: by position along the slice normal when the geometry is
 * there (what a reader expects: head to feet), by InstanceNumber otherwise. Pure; unit-tested.
 */
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import { getNumber, getNumbers } from '../../common/dicom/dicomJson';
import { Tag } from '../../common/dicom/tags';

export function sortInstancesForStack(instances: readonly DicomJsonDataset[]): DicomJsonDataset[] {
  const withGeometry = instances.map((ds) => {
    const ipp = getNumbers(ds, Tag.ImagePositionPatient, 3);
    const iop = getNumbers(ds, Tag.ImageOrientationPatient, 6);
    let position: number | undefined;
    if (ipp && iop) {
      const [r0, r1, r2, c0, c1, c2] = iop as [number, number, number, number, number, number];
      const n = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
      position = ipp[0]! * n[0]! + ipp[1]! * n[1]! + ipp[2]! * n[2]!;
    }
    return { ds, position, instanceNumber: getNumber(ds, Tag.InstanceNumber) };
  });
  const allPositioned = withGeometry.every((x) => x.position !== undefined);
  return withGeometry
    .sort((a, b) =>
      allPositioned ? b.position! - a.position! : (a.instanceNumber ?? Number.MAX_SAFE_INTEGER) - (b.instanceNumber ?? Number.MAX_SAFE_INTEGER),
    )
    .map((x) => x.ds);
}
