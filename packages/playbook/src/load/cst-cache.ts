import {
  Composer,
  type CST,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  Parser,
  type SchemaOptions,
  YAMLParseError,
} from 'yaml';

/**
 * The CST the fast path built for a text, handed to the full path when that text is read again
 * right after (a playbook with a diagnostic is read the fast way first, then the full way): the
 * full way then composes those tokens instead of tokenising the text a second time, which was
 * about 40 % of its cost. Held until the current synchronous validation ends, no longer.
 */
let last: { text: string; tokens: CST.Token[] } | undefined;

export function keepCst(text: string, tokens: CST.Token[]): void {
  last = { text, tokens };
  queueMicrotask(() => {
    if (last?.tokens === tokens) last = undefined;
  });
}

type Options = ParseOptions & DocumentOptions & SchemaOptions;

/** `yaml.parseDocument`, from the tokens the fast path kept for this same text when it has them. */
export function parseDocumentOnce(text: string, options: Options): Document.Parsed {
  const kept = last !== undefined && last.text === text ? last.tokens : undefined;
  if (kept === undefined) return parseDocumentFresh(text, options);
  last = undefined;
  return compose(kept, text.length, options);
}

function parseDocumentFresh(text: string, options: Options): Document.Parsed {
  return compose(new Parser().parse(text), text.length, options);
}

/** What `yaml.parseDocument` does after tokenising (without a line counter or pretty errors). */
function compose(tokens: Iterable<CST.Token>, length: number, options: Options): Document.Parsed {
  const composer = new Composer(options);
  let doc: Document.Parsed | null = null;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) doc = next;
    else if (doc.options.logLevel !== 'silent') {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  return doc as Document.Parsed;
}
