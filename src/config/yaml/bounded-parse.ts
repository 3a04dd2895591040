// Parse halb.yaml with a bound on collection depth. The yaml library's parser keeps its own
// stack (no recursion), but composing the document recurses once per level: "[[[[…" 10,000
// deep ends in "Maximum call stack size exceeded". So the text is parsed to a CST once, the CST
// is walked here with an explicit stack, and only a text within the limit is composed — from the
// same tokens (what `parseDocument` does, split in two; a second parse cost as much again).
// Pure module.
import { Composer, Parser, YAMLParseError, type CST, type Document, type DocumentOptions, type LineCounter, type ParseOptions, type SchemaOptions } from 'yaml';

export type BoundedParse = { readonly doc: Document.Parsed } | { readonly tooDeepAt: number };

export function parseDocumentBounded(text: string, maxDepth: number, options: ParseOptions & DocumentOptions & SchemaOptions & { lineCounter: LineCounter }): BoundedParse {
  const tokens = Array.from(new Parser(options.lineCounter.addNewLine).parse(text));
  const deep = tooDeep(tokens, maxDepth);
  if (deep) return { tooDeepAt: deep.offset };
  let doc: Document.Parsed | undefined;
  for (const d of new Composer(options).compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  return { doc: doc! };
}

/** The first collection deeper than `maxDepth` in a CST, or undefined. */
export function tooDeep(tokens: Iterable<CST.Token> | string, maxDepth: number): { offset: number } | undefined {
  const stack: { token: CST.Token; depth: number }[] = [];
  const all = typeof tokens === 'string' ? new Parser().parse(tokens) : tokens;
  for (const token of all) stack.push({ token, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    switch (token.type) {
      case 'document':
        if (token.value) stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > maxDepth) return { offset: token.offset };
        for (const item of token.items) {
          if (item.key) stack.push({ token: item.key, depth: depth + 1 });
          if (item.value) stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
