// Split a script command line the way keepalived does (lib/parser.c
// alloc_strvec_quoted_escaped): whitespace separates words, "..." and '...' group them
// (quotes removed), and backslash escapes \a \b \E \f \n \r \t \v \nnn \xXX \cC work as in
// the shell; \C is C. No shell is involved: the first word is the program.

export type SplitResult = { ok: true; argv: string[] } | { ok: false; reason: string };

const SIMPLE: Readonly<Record<string, string>> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function splitCommandLine(s: string): SplitResult {
  const argv: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    let word = '';
    let quote: string | undefined;
    while (i < s.length) {
      const c = s[i]!;
      if (!quote && /\s/.test(c)) break;
      if (c === '\\') {
        i++;
        if (i >= s.length) return { ok: false, reason: 'missing escaped character at end' };
        const e = s[i]!;
        if (e === 'x' && /[0-9a-fA-F]/.test(s[i + 1] ?? '')) {
          let v = 0;
          i++;
          while (i < s.length && /[0-9a-fA-F]/.test(s[i]!)) v = ((v << 4) | parseInt(s[i++]!, 16)) & 0xff;
          word += String.fromCharCode(v);
        } else if (e === 'c' && i + 1 < s.length) {
          word += String.fromCharCode(s.charCodeAt(i + 1) & 0x1f);
          i += 2;
        } else if (e >= '0' && e <= '7') {
          let v = 0,
            n = 0;
          while (n < 3 && i < s.length && s[i]! >= '0' && s[i]! <= '7') {
            v = (v << 3) + (s.charCodeAt(i) - 48);
            i++;
            n++;
          }
          word += String.fromCharCode(v & 0xff);
        } else {
          word += SIMPLE[e] ?? e;
          i++;
        }
        continue;
      }
      if (quote) {
        if (c === quote) quote = undefined;
        else word += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      word += c;
      i++;
    }
    if (quote) return { ok: false, reason: `missing terminating ${quote}` };
    argv.push(word);
  }
  return { ok: true, argv };
}
