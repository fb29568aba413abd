/** The STOW-RS client's pure parts: the multipart body a node parses, and the answer it sends back. */
import { describe, expect, it } from 'vitest';
import { buildStowBody, failureReasonText, parseStowAnswer } from '../../../../../../electron/services/pacs/dicomweb/stowClient';

describe('buildStowBody', () => {
  it('wraps each instance in an application/dicom part with the boundary of the content type', () => {
    const { body, contentType } = buildStowBody([new Uint8Array([1, 2, 3]), new Uint8Array([9])], 'B0');
    expect(contentType).toBe('multipart/related; type="application/dicom"; boundary=B0');
    const text = Buffer.from(body).toString('latin1');
    expect(text).toBe(
      '--B0\r\nContent-Type: application/dicom\r\nContent-Length: 3\r\n\r\n\x01\x02\x03\r\n' + '--B0\r\nContent-Type: application/dicom\r\nContent-Length: 1\r\n\r\n\x09\r\n--B0--\r\n',
    );
  });
});

describe('parseStowAnswer', () => {
  const ref = (uid: string) => ({ '00081155': { vr: 'UI', Value: [uid] } });
  it('reads stored and refused instances, with the refusal reason in words', () => {
    const answer = {
      '00081199': { vr: 'SQ', Value: [ref('1.2.3')] },
      '00081198': { vr: 'SQ', Value: [{ ...ref('1.2.4'), '00081197': { vr: 'US', Value: [0xa900] } }, { ...ref('1.2.5') }] },
    };
    expect(parseStowAnswer(answer)).toEqual({
      stored: ['1.2.3'],
      failed: [
        { sopInstanceUid: '1.2.4', reason: 'the data set does not match its SOP class (Failure Reason 0xA900)' },
        { sopInstanceUid: '1.2.5', reason: 'the node gave no reason' },
      ],
    });
  });
  it('accepts the dataset wrapped in an array, and refuses what is not a dataset', () => {
    expect(parseStowAnswer([{ '00081199': { vr: 'SQ', Value: [ref('7.8')] } }]).stored).toEqual(['7.8']);
    expect(() => parseStowAnswer('oops')).toThrow();
    expect(failureReasonText(0xdead)).toBe('refused (Failure Reason 0xDEAD)');
  });
});
