/**
 * The XML of audit messages: escaping on the way out, and a small reader for the subset we write (elements,
 * attributes, text, character references; no DTD, no CDATA, no namespaces beyond the name). The reader lets the
 * CLI summarise a stored message without trusting anything but its XML, and lets tests check well-formedness
 * without a parser dependency.
 *
 * XML 1.0 cannot carry some code points at all, not even as references: C0 controls other than tab, LF and
 * CR, lone surrogates, U+FFFE and U+FFFF. Those are replaced by U+FFFD, so the document stays well-formed
 * whatever a DICOM header held. Tab, LF and CR are written as character references in attributes and CR in
 * text, because a parser would otherwise normalise them (XML 1.0 §2.11, §3.3.3) and the value would not
 * read back as written.
 */

// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `value` with every code point XML 1.0 cannot hold replaced by U+FFFD: what escaping will round-trip to. */
export function xmlSafe(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD');
}

export function escapeXmlText(value: string): string {
  return xmlSafe(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** For a double-quoted attribute value. */
export function escapeXmlAttr(value: string): string {
  return escapeXmlText(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (between its child elements), references resolved. */
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parses one document (an optional XML declaration, then one root element); throws XmlSyntaxError when it is not well-formed. */
export function parseXml(doc: string): XmlElement {
  let pos = 0;
  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, pos);
  };
  const skipSpace = () => {
    while (pos < doc.length && ' \t\r\n'.includes(doc[pos]!)) pos++;
  };
  const readName = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(doc);
    if (!m) fail('expected a name');
    pos += m![0].length;
    return m![0];
  };
  const decode = (raw: string, start: number): string => {
    if (NOT_XML_CHAR.test(raw)) {
      NOT_XML_CHAR.lastIndex = 0;
      pos = start;
      fail('a character XML cannot hold');
    }
    NOT_XML_CHAR.lastIndex = 0;
    return raw.replace(/&([^;]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) return fail('a bare "&"');
      if (ref in PREDEFINED) return PREDEFINED[ref]!;
      const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
      if (!m) return fail(`an unknown entity "&${ref};"`);
      const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
      const ch = cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      if (!ch || xmlSafe(ch) !== ch || (cp >= 0xd800 && cp <= 0xdfff)) return fail(`a reference to a character XML cannot hold (${whole})`);
      return ch;
    });
  };
  const readElement = (): XmlElement => {
    if (doc[pos] !== '<') fail('expected "<"');
    pos++;
    const name = readName();
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = pos;
      skipSpace();
      if (doc.startsWith('/>', pos)) {
        pos += 2;
        return { name, attrs, children: [], text: '' };
      }
      if (doc[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) fail('expected white space before an attribute');
      const attr = readName();
      skipSpace();
      if (doc[pos] !== '=') fail('expected "="');
      pos++;
      skipSpace();
      const quote = doc[pos];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      const end = doc.indexOf(quote!, pos + 1);
      if (end < 0) fail('an unterminated attribute value');
      const raw = doc.slice(pos + 1, end);
      if (raw.includes('<')) fail('"<" in an attribute value');
      if (Object.hasOwn(attrs, attr)) fail(`a repeated attribute "${attr}"`);
      // Literal white space in a value is normalised to a space by parsers (§3.3.3); references are kept.
      attrs[attr] = decode(raw.replace(/[\t\n\r]/g, ' '), pos + 1);
      pos = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const lt = doc.indexOf('<', pos);
      if (lt < 0) fail(`an unclosed element <${name}>`);
      const raw = doc.slice(pos, lt);
      if (raw.includes(']]>')) fail('"]]>" in text');
      text += decode(raw.replace(/\r\n?/g, '\n'), pos);
      pos = lt;
      if (doc.startsWith('</', pos)) {
        pos += 2;
        const close = readName();
        if (close !== name) fail(`</${close}> closes <${name}>`);
        skipSpace();
        if (doc[pos] !== '>') fail('expected ">"');
        pos++;
        return { name, attrs, children, text };
      }
      if (doc.startsWith('<!--', pos)) {
        const end = doc.indexOf('-->', pos + 4);
        if (end < 0) fail('an unterminated comment');
        pos = end + 3;
        continue;
      }
      children.push(readElement());
    }
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) fail('an unterminated XML declaration');
    pos = end + 2;
  }
  skipSpace();
  const root = readElement();
  skipSpace();
  if (pos !== doc.length) fail('content after the root element');
  return root;
}

/** The first child named `name`, if any. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
