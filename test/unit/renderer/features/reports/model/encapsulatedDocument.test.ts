/**
 * An encapsulated document's bytes (issue #19): inline base64 from the metadata, the value's padding cut by
 * Encapsulated Document Length (or a trailing NUL), a bulk data answer multipart or plain, and a PDF told by its header.
 */
import { describe, expect, it } from 'vitest';
import { encodeMultipart } from '../../../../../../common/dicom/multipart';
import { bulkDataValue, documentBytes, encapsulatedDocumentInfo, looksLikePdf } from '../../../../../../renderer/features/reports/model/encapsulatedDocument';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('encapsulated documents', () => {
  it('reads the MIME type, the length and inline bytes from the metadata', () => {
    const info = encapsulatedDocumentInfo({
      '00420012': { vr: 'LO', Value: ['Application/PDF '] },
      '00420015': { vr: 'UL', Value: [9] },
      '00420011': { vr: 'OB', InlineBinary: Buffer.from('%PDF-1.4\n\0').toString('base64') },
    });
    expect(info.mime).toBe('application/pdf');
    expect(info.length).toBe(9);
    expect(new TextDecoder().decode(documentBytes(info.inline!, info.length))).toBe('%PDF-1.4\n');
  });

  it('leaves inline bytes out when the metadata has none or they are not base64', () => {
    expect(encapsulatedDocumentInfo({}).inline).toBeUndefined();
    expect(encapsulatedDocumentInfo({ '00420011': { vr: 'OB', InlineBinary: '***' } }).inline).toBeUndefined();
    expect(encapsulatedDocumentInfo({}).mime).toBe('');
  });

  it('drops one trailing NUL of padding when the length is not given, and ignores a length past the end', () => {
    expect(documentBytes(bytes('abc\0'))).toEqual(bytes('abc'));
    expect(documentBytes(bytes('abcd'))).toEqual(bytes('abcd'));
    expect(documentBytes(bytes('abcd'), 99)).toEqual(bytes('abcd'));
  });

  it('takes the first part of a multipart answer, and a plain body as it is', () => {
    const body = encodeMultipart([{ contentType: 'application/octet-stream', body: bytes('%PDF-x') }], 'b1');
    expect(bulkDataValue(body, 'multipart/related; type="application/octet-stream"; boundary=b1')).toEqual(bytes('%PDF-x'));
    expect(bulkDataValue(bytes('%PDF-y'), 'application/octet-stream')).toEqual(bytes('%PDF-y'));
    expect(() => bulkDataValue(body, 'multipart/related')).toThrow(/boundary/);
  });

  it('tells a PDF by its header within the first KiB', () => {
    expect(looksLikePdf(bytes('%PDF-1.7\n'))).toBe(true);
    expect(looksLikePdf(bytes(`${' '.repeat(500)}%PDF-1.4`))).toBe(true);
    expect(looksLikePdf(bytes('<ClinicalDocument/>'))).toBe(false);
  });
});
