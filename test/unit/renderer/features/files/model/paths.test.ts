import { describe, expect, it } from 'vitest';
import { parsePathList } from '../../../../../../renderer/features/files/model/paths';

describe('path list', () => {
  it('takes one path per line, trims, drops blanks and surrounding quotes', () => {
    expect(parsePathList(' /a/b.dcm \r\n\n"/c d/e.dcm"\n\'C:\\\\DICOM\\\\x.dcm\'\n   ')).toEqual(['/a/b.dcm', '/c d/e.dcm', 'C:\\\\DICOM\\\\x.dcm']);
    expect(parsePathList('')).toEqual([]);
  });
});
