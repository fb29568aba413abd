import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToBase64, textToBase64 } from '../../../../common/audit/base64';

describe('base64', () => {
  it('encodes bytes as Buffer does, padding included', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });

  it('encodes text as UTF-8 (Japanese names survive)', () => {
    expect(Buffer.from(textToBase64('PatientName=山田^太郎'), 'base64').toString('utf8')).toBe('PatientName=山田^太郎');
  });
});
