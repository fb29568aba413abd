import { describe, expect, it } from 'vitest';
import { dicomdirPathOf, parsePathList } from '../../../../../../renderer/features/files/model/paths';

describe('path list', () => {
  it('takes one path per line, trims, drops blanks and surrounding quotes', () => {
    expect(parsePathList(' /a/b.dcm \r\n\n"/c d/e.dcm"\n\'C:\\\\DICOM\\\\x.dcm\'\n   ')).toEqual(['/a/b.dcm', '/c d/e.dcm', 'C:\\\\DICOM\\\\x.dcm']);
    expect(parsePathList('')).toEqual([]);
  });
});

describe('dicomdirPathOf', () => {
  it('keeps a path that names a DICOMDIR (any case), and looks in a folder for one', () => {
    expect(dicomdirPathOf('/media/cdrom/DICOMDIR')).toBe('/media/cdrom/DICOMDIR');
    expect(dicomdirPathOf('/media/cdrom/dicomdir')).toBe('/media/cdrom/dicomdir');
    expect(dicomdirPathOf('/media/cdrom/')).toBe('/media/cdrom/DICOMDIR');
    expect(dicomdirPathOf('D:\\')).toBe('D:\\DICOMDIR');
    expect(dicomdirPathOf('E:\\PATIENT\\DICOMDIR')).toBe('E:\\PATIENT\\DICOMDIR');
    // A file merely ending in "dicomdir" is not one.
    expect(dicomdirPathOf('/data/mydicomdir')).toBe('/data/mydicomdir/DICOMDIR');
  });
});
