import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLogText } from '../../../../../electron/services/app/logText';

describe('escapeLogText', () => {
  it('keeps a forged line on the same line: newlines and carriage returns become escapes', () => {
    const forged = 'ok\n[renderer 1] error: archive key leaked\r\nmore';
    const out = escapeLogText(forged);
    expect(out).toBe('ok\\n[renderer 1] error: archive key leaked\\r\\nmore');
    expect(out.split('\n')).toHaveLength(1);
  });

  it('escapes other control characters and Unicode line separators, keeps Japanese text as it is', () => {
    expect(escapeLogText('a\u0000b\u001bc\u2028d')).toBe('a\\u0000b\\u001bc\\u2028d');
    expect(escapeLogText('山田^太郎 SUV 2.5')).toBe('山田^太郎 SUV 2.5');
  });

  it('never lets a line break through, whatever the page sends', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const out = escapeLogText(s);
        // eslint-disable-next-line no-control-regex
        expect(/[\n\r\u2028\u2029\u0000-\u001f]/.test(out)).toBe(false);
      }),
    );
  });
});
