/**
 * A minimal XML reader for WeCom's callback envelopes and messages: elements, text and CDATA,
 * nothing else. There is deliberately no DTD support — a `<!DOCTYPE` or `<!ENTITY` is refused
 * outright, so no external or expanding entity (XXE, billion laughs) can ever be resolved — and
 * only the five predefined entities and character references are decoded. Attributes are skipped:
 * WeCom's XML has none that matter.
 */

export interface XmlElement {
  name: string;
  /** CDATA verbatim and plain text trimmed, directly inside the element. */
  text: string;
  children: XmlElement[];
}

export class XmlError extends Error {
  override name = 'XmlError';
}

/** WeCom messages are small; anything bigger is not one of them. */
const MAX_LENGTH = 1 << 20;
const MAX_DEPTH = 16;
const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /[A-Za-z_][\w.-]*/y;

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    const v = ENTITIES[e];
    if (v === undefined) throw new XmlError(`unknown entity ${all}`);
    return v;
  });
}

class Reader {
  pos = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new XmlError(`${what} at ${this.pos}`);
  }

  startsWith(t: string) {
    return this.s.startsWith(t, this.pos);
  }

  skipTo(end: string): string {
    const i = this.s.indexOf(end, this.pos);
    if (i < 0) this.fail(`missing ${end}`);
    const out = this.s.slice(this.pos, i);
    this.pos = i + end.length;
    return out;
  }

  /** Prolog, comments and whitespace before the root; refuses DTDs. */
  skipMisc(): void {
    for (;;) {
      while (/\s/.test(this.s[this.pos] ?? '')) this.pos++;
      if (this.startsWith('<?')) this.skipTo('?>');
      else if (this.startsWith('<!--')) this.skipTo('-->');
      else if (this.startsWith('<!')) this.fail('DTDs and entity declarations are refused');
      else return;
    }
  }

  name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.s);
    if (m === null) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  element(depth: number): XmlElement {
    if (depth > MAX_DEPTH) this.fail('nested too deep');
    if (!this.startsWith('<')) this.fail('expected <');
    this.pos++;
    const name = this.name();
    // Attributes are read past (quoted values may hold '>'), never interpreted.
    while (this.pos < this.s.length && this.s[this.pos] !== '>' && !this.startsWith('/>')) {
      const c = this.s[this.pos]!;
      this.pos++;
      if (c === '"' || c === "'") this.skipTo(c);
    }
    const el: XmlElement = { name, text: '', children: [] };
    if (this.startsWith('/>')) {
      this.pos += 2;
      return el;
    }
    if (!this.startsWith('>')) this.fail('unterminated start tag');
    this.pos++;
    for (;;) {
      if (this.pos >= this.s.length) this.fail(`unclosed <${name}>`);
      if (this.startsWith('</')) {
        this.pos += 2;
        if (this.name() !== name) this.fail(`mismatched </…> for <${name}>`);
        while (/\s/.test(this.s[this.pos] ?? '')) this.pos++;
        if (!this.startsWith('>')) this.fail('unterminated end tag');
        this.pos++;
        return el;
      }
      if (this.startsWith('<![CDATA[')) {
        this.pos += 9;
        el.text += this.skipTo(']]>');
      } else if (this.startsWith('<!--')) this.skipTo('-->');
      else if (this.startsWith('<!')) this.fail('DTDs and entity declarations are refused');
      else if (this.startsWith('<?')) this.skipTo('?>');
      else if (this.startsWith('<')) el.children.push(this.element(depth + 1));
      else {
        const i = this.s.indexOf('<', this.pos);
        const end = i < 0 ? this.s.length : i;
        // Plain text is trimmed (indentation between tags is not content); CDATA is kept verbatim.
        el.text += decodeEntities(this.s.slice(this.pos, end)).trim();
        this.pos = end;
      }
    }
  }
}

/** The document's root element; throws XmlError on anything that is not plain, DTD-free XML. */
export function parseXml(xml: string): XmlElement {
  if (xml.length > MAX_LENGTH) throw new XmlError('document too large');
  const r = new Reader(xml);
  r.skipMisc();
  const root = r.element(0);
  r.skipMisc();
  if (r.pos !== xml.length) r.fail('content after the root element');
  return root;
}

/** Text of the first child named `name`. */
export function childText(el: XmlElement, name: string): string | undefined {
  return el.children.find((x) => x.name === name)?.text;
}

/** A flat record of the element's children (first wins), for WeCom's flat messages. */
export function fields(el: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of el.children) if (!Object.hasOwn(out, c.name)) out[c.name] = c.text;
  return out;
}
