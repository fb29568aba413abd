import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXmlAttr, escapeXmlText, parseXml, xmlSafe, XmlSyntaxError } from '../../../../common/audit/xml';

/** Any string, including controls, lone surrogates, CR/LF/tab, quotes, <, & and Japanese. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '\r', '\n', '\t', '\u0000', '\uD800', '\uDC00', '\uFFFE', '山', '田', '^', ';', '#', 'a', ' ', ']]>') }),
);

describe('XML escaping', () => {
  it('round-trips any string through an attribute and through text, except what XML 1.0 cannot hold', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, t) => {
        const doc = `<R v="${escapeXmlAttr(a)}">${escapeXmlText(t)}</R>`;
        const el = parseXml(doc);
        expect(el.attrs.v).toBe(xmlSafe(a));
        expect(el.text).toBe(xmlSafe(t));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a patient name with markup, quotes and Japanese exactly', () => {
    const name = `O'Brien & <Sons> "山田^太郎"`;
    expect(parseXml(`<P n="${escapeXmlAttr(name)}">${escapeXmlText(name)}</P>`)).toMatchObject({ attrs: { n: name }, text: name });
  });

  it('replaces characters XML cannot carry with U+FFFD rather than writing an unreadable document', () => {
    expect(xmlSafe('a\u0000b\u001Fc\uD800d\uFFFF')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFD');
    expect(xmlSafe('😀\t\n\r')).toBe('😀\t\n\r');
  });
});

describe('parseXml', () => {
  it('reads nested elements, attributes in either quote and character references', () => {
    const el = parseXml(`<?xml version="1.0"?>\n<A x='1' y="&#x5C71;&#30000;"><B/><!-- c --><C>t&amp;u</C></A>\n`);
    expect(el.name).toBe('A');
    expect(el.attrs).toEqual({ x: '1', y: '山田' });
    expect(el.children.map((c) => c.name)).toEqual(['B', 'C']);
    expect(el.children[1]!.text).toBe('t&u');
  });

  it.each([
    ['<A>', 'unclosed'],
    ['<A></B>', 'closes'],
    ['<A x="1" x="2"/>', 'repeated'],
    ['<A>a & b</A>', 'bare'],
    ['<A x="<"/>', '"<"'],
    ['<A>&nbsp;</A>', 'unknown entity'],
    ['<A>&#0;</A>', 'cannot hold'],
    ['<A/><B/>', 'after the root'],
    ['<A>\u0001</A>', 'cannot hold'],
  ])('rejects %j', (doc, message) => {
    expect(() => parseXml(doc)).toThrow(XmlSyntaxError);
    expect(() => parseXml(doc)).toThrow(message);
  });
});
