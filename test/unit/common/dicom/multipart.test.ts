import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundaryOf, decodeMultipart, encodeMultipart, MultipartError, newBoundary } from '../../../../common/dicom/multipart';

describe('multipart/related', () => {
  it('round-trips any parts byte for byte (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2000 }), { minLength: 1, maxLength: 5 }), (bodies) => {
        const boundary = newBoundary();
        const encoded = encodeMultipart(bodies.map((b) => ({ contentType: 'application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1', body: b })), boundary);
        const parts = decodeMultipart(encoded, boundary);
        expect(parts.map((p) => [...p.body])).toEqual(bodies.map((b) => [...b]));
        expect(parts.every((p) => p.contentType.includes('transfer-syntax=1.2.840.10008.1.2.1'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('reports a truncated body instead of returning partial frames', () => {
    const boundary = newBoundary();
    const encoded = encodeMultipart([{ contentType: 'application/octet-stream', body: new Uint8Array(1000).fill(7) }], boundary);
    expect(() => decodeMultipart(encoded.subarray(0, 600), boundary)).toThrow(MultipartError);
    expect(() => decodeMultipart(new TextEncoder().encode('<html>oops</html>'), boundary)).toThrow(/no boundary/);
  });

  it('reads the boundary from quoted and plain content types', () => {
    expect(boundaryOf('multipart/related; type="application/octet-stream"; boundary="abc-1"')).toBe('abc-1');
    expect(boundaryOf('multipart/related; boundary=xyz; type=application/dicom')).toBe('xyz');
    expect(boundaryOf('application/json')).toBeUndefined();
  });
});
