/** Library messages become sentences a user understands; the raw text travels as detail (for --json only). */
import { describe, expect, it } from 'vitest';
import { IncompleteInstanceError } from '../../../../../electron/services/dicom/completeness';
import { Part10Error } from '../../../../../electron/services/dicom/part10';
import { describeFailure } from '../../../../../electron/services/dicom/readErrors';

describe('describeFailure', () => {
  it('replaces the raw messages users met with sentences, keeping the raw text as detail', () => {
    expect(describeFailure('dicomParser:parseDicomDataSetExplicit: buffer overrun')).toEqual({
      reason: 'The file is truncated or damaged: a value runs past the end of the data',
      detail: 'dicomParser:parseDicomDataSetExplicit: buffer overrun',
    });
    expect(describeFailure(new RangeError('start offset of Uint32Array should be a multiple of 4'))).toEqual({
      reason: 'The file is damaged: a value has a length its type cannot have',
      detail: 'start offset of Uint32Array should be a multiple of 4',
    });
    expect(describeFailure(new TypeError("Cannot read properties of undefined (reading 'length')"))).toEqual({
      reason: 'The file could not be read as DICOM',
      detail: "Cannot read properties of undefined (reading 'length')",
    });
  });

  it("names a pixel format the loader cannot decode (32-bit RLE) instead of the loader's words", () => {
    expect(describeFailure(new Error('unsupported pixel format for RLE'))).toEqual({
      reason: 'The image uses a pixel format the decoder does not support (such as 32-bit RLE): it cannot be shown',
      detail: 'unsupported pixel format for RLE',
    });
  });

  it('passes our own sentences through, with the detail they carry', () => {
    expect(describeFailure(new IncompleteInstanceError('the file is truncated'))).toEqual({ reason: 'Incomplete instance: the file is truncated' });
    expect(describeFailure(new Part10Error('The file is truncated or damaged: a value runs past the end of the data', 'raw'))).toEqual({
      reason: 'The file is truncated or damaged: a value runs past the end of the data',
      detail: 'raw',
    });
    expect(describeFailure(new Error('The archive is closed'))).toEqual({ reason: 'The archive is closed' });
  });
});
