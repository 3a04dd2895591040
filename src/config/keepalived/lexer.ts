// Tokens of one logical keepalived.conf line. Words are split on whitespace; "..." and '...'
// group words (quotes removed, as keepalived.conf(5) "Quoted strings" describes); '{' and '}'
// are tokens of their own wherever they appear unquoted, so `virtual_ipaddress { 10.0.0.1 }`
// on one line works. `raw` keeps the source text (quotes included) for the second,
// escape-aware split keepalived applies to script command lines.

export interface Token {
  readonly text: string;
  readonly raw: string;
  readonly quoted: boolean;
  readonly file: string;
  readonly line: number;
  /** 1-based column in the logical line. */
  readonly col: number;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly error?: { readonly col: number; readonly message: string };
}

const WS = /\s/;

export function tokenizeLine(text: string, file: string, line: number, indent = 0): LexResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && WS.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    const c = text[i]!;
    if (c === '{' || c === '}') {
      tokens.push({ text: c, raw: c, quoted: false, file, line, col: indent + start + 1 });
      i++;
      continue;
    }
    let word = '';
    let quoted = false;
    while (i < text.length && !WS.test(text[i]!) && text[i] !== '{' && text[i] !== '}') {
      const ch = text[i]!;
      if (ch === '"' || ch === "'") {
        const close = text.indexOf(ch, i + 1);
        if (close < 0) return { tokens, error: { col: indent + i + 1, message: `missing terminating ${ch}` } };
        word += text.slice(i + 1, close);
        quoted = true;
        i = close + 1;
        continue;
      }
      word += ch;
      i++;
    }
    tokens.push({ text: word, raw: text.slice(start, i), quoted, file, line, col: indent + start + 1 });
  }
  return { tokens };
}

/** Remove a '#' or '!' comment that starts outside quotes (keepalived.conf(5): "can start anywhere in a line"). */
export function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' || c === '!') return text.slice(0, i);
  }
  return text;
}
