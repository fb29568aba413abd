import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameImageId, framePathOf, seriesUrlOf } from '../../../../renderer/imaging/imageIds';

const uid = fc.array(fc.integer({ min: 0, max: 99999 }), { minLength: 2, maxLength: 8 }).map((parts) => parts.join('.'));

describe('image ids and the series stream', () => {
  it('gives an image id and the Content-Location of the same frame the same key, and the series URL it streams from', () => {
    fc.assert(
      fc.property(uid, uid, uid, fc.integer({ min: 1, max: 2000 }), fc.constantFrom('dicomweb://local', 'http://127.0.0.1:40123/dicomweb'), (st, se, sop, frame, base) => {
        const id = frameImageId(base, st, se, sop, frame);
        const location = `${base}/studies/${st}/series/${se}/instances/${sop}/frames/${frame}`;
        expect(framePathOf(id)).toBe(`/studies/${st}/series/${se}/instances/${sop}/frames/${frame}`);
        expect(framePathOf(location)).toBe(framePathOf(id));
        expect(seriesUrlOf(id)).toBe(`${base}/studies/${st}/series/${se}`);
      }),
    );
  });

  it('finds no frame in what is not a frame URL', () => {
    expect(framePathOf('wadors:http://h/studies/1.2/series/1.3/instances/1.4')).toBeUndefined();
    expect(framePathOf('dokuei-empty:1.2.3/4')).toBeUndefined();
    expect(seriesUrlOf('dokuei-empty:1.2.3/4')).toBeUndefined();
    expect(seriesUrlOf('http://h/studies/1.2/series/1.3/instances/1.4/frames/1')).toBeUndefined();
  });
});
