/**
 * Errors across the boundaries (issue #18): code, English message and the services' key (says) survive the wire
 * (dispatch → client) and Electron's bridge, which passes only a message; a damaged or foreign prefix never turns
 * into a key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DokueiError, ErrorCode, fromBridgeError, saysOf, toBridgeError, toWireError } from '../../../../common/ipc/errors';
import { says } from '../../../../common/i18n/says';

const keyArb = fc
  .tuple(fc.stringMatching(/^[a-z][A-Za-z0-9]{0,8}$/), fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { minLength: 1, maxLength: 3 }))
  .map(([head, rest]) => [head, ...rest].join('.'));
const valuesArb = fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)) /* JSON has no -0 */));

describe('DokueiError on the wire', () => {
  it('keeps its says key and values in the wire error', () => {
    const err = new DokueiError(ErrorCode.NotFound, 'No node with id "x"', says('services.nodes.noSuchNode', { id: 'x' }));
    expect(toWireError(err)).toEqual({ code: 'NOT_FOUND', message: 'No node with id "x"', says: { key: 'services.nodes.noSuchNode', values: { id: 'x' } } });
  });

  it('takes the says of any error that has one (a PacsError is no DokueiError) and none from a plain Error', () => {
    const pacsLike = Object.assign(new Error('onsite: connection refused'), { says: says('services.pacs.unreachable', { detail: 'onsite: connection refused' }) });
    expect(toWireError(pacsLike).says).toEqual({ key: 'services.pacs.unreachable', values: { detail: 'onsite: connection refused' } });
    expect(toWireError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(saysOf({ says: { key: 'not a key' } })).toBeUndefined();
  });
});

describe("Electron's bridge (message only)", () => {
  it('carries code, message and says through the message, whatever they hold', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(ErrorCode)), fc.string(), keyArb, valuesArb, (code, message, key, values) => {
        const wire = fromBridgeError(toBridgeError(code, message, { key, values }));
        expect(wire.code).toBe(code);
        expect(wire.message).toBe(message);
        expect(wire.says).toEqual({ key, values });
      }),
    );
  });

  it('reads the prefix after what Electron puts in front, and an error without says as before', () => {
    const wire = fromBridgeError(new Error(`Error invoking remote method 'x': ${toBridgeError(ErrorCode.Forbidden, 'no').message}`));
    expect(wire).toEqual({ code: 'FORBIDDEN', message: 'no' });
  });

  it('ignores a damaged says (the message and code still come through) and foreign text is a transport error', () => {
    expect(fromBridgeError(new Error('[dokuei:NOT_FOUND|%7Bbroken] gone'))).toEqual({ code: 'NOT_FOUND', message: 'gone' });
    expect(fromBridgeError(new Error(`[dokuei:NOT_FOUND|${encodeURIComponent(JSON.stringify({ key: 'x', values: { a: {} } }))}] gone`))).toEqual({ code: 'NOT_FOUND', message: 'gone' });
    expect(fromBridgeError(new Error('socket hang up'))).toEqual({ code: 'TRANSPORT_ERROR', message: 'socket hang up' });
  });
});
