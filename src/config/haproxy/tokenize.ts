// haproxy.cfg lexer: one logical line -> words, each with its column. Pure module.
//
// Rules matched (HAProxy configuration.txt §2.2 "Quoting and escaping", §2.3 "Environment
// variables"): words are split on spaces/tabs; '#' starts a comment unless quoted or
// escaped; a backslash escapes the next character, and \r \n \t \xHH produce control
// bytes (used in `option httpchk ... HTTP/1.1\r\nHost:\ x`); double quotes allow spaces,
// escapes and "$VAR"/"${VAR}" expansion; single quotes take everything literally. Adjacent
// quoted and unquoted parts join into one word, as in HAProxy.

export interface Word {
  readonly text: string;
  /** 1-based column of the word's first character. */
  readonly col: number;
}

export interface TokenLine {
  readonly line: number;
  readonly words: readonly Word[];
}

export interface LexProblem {
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface LexResult {
  readonly lines: TokenLine[];
  readonly problems: LexProblem[];
}

export function tokenize(text: string, env: Readonly<Record<string, string | undefined>>): LexResult {
  const lines: TokenLine[] = [];
  const problems: LexProblem[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    const words = tokenizeLine(raw[i]!, lineNo, env, problems);
    if (words.length > 0) lines.push({ line: lineNo, words });
  }
  return { lines, problems };
}

/** One physical line; the loader calls this line by line so `setenv` in global affects later lines. */
export function tokenizeLine(src: string, line: number, env: Readonly<Record<string, string | undefined>>, problems: LexProblem[]): Word[] {
  const words: Word[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    while (i < n && (src[i] === ' ' || src[i] === '\t')) i++;
    if (i >= n || src[i] === '#') break;
    const start = i;
    let text = '';
    let quote: '"' | "'" | undefined;
    let quoteCol = 0;
    for (; i < n; i++) {
      const c = src[i]!;
      if (quote === "'") {
        if (c === "'") quote = undefined;
        else text += c;
        continue;
      }
      if (c === '\\') {
        const esc = unescape(src, i);
        if (esc.error) problems.push({ line, col: i + 1, severity: 'error', message: esc.error });
        text += esc.text;
        i = esc.next - 1;
        continue;
      }
      if (quote === '"') {
        if (c === '"') quote = undefined;
        else if (c === '$') {
          const v = expandVar(src, i, env);
          if (v.problem) problems.push({ line, col: i + 1, ...v.problem });
          text += v.text;
          i = v.next - 1;
        } else text += c;
        continue;
      }
      if (c === ' ' || c === '\t') break;
      if (c === '#') break;
      if (c === '"' || c === "'") {
        quote = c;
        quoteCol = i + 1;
        continue;
      }
      text += c;
    }
    if (quote) {
      problems.push({ line, col: quoteCol, severity: 'error', message: `unmatched ${quote === '"' ? 'double' : 'single'} quote` });
    }
    words.push({ text, col: start + 1 });
    if (i < n && src[i] === '#') break;
  }
  return words;
}

function unescape(src: string, i: number): { text: string; next: number; error?: string } {
  const c = src[i + 1];
  if (c === undefined) return { text: '', next: i + 1, error: 'backslash at end of line (HAProxy has no line continuation)' };
  switch (c) {
    case 'r':
      return { text: '\r', next: i + 2 };
    case 'n':
      return { text: '\n', next: i + 2 };
    case 't':
      return { text: '\t', next: i + 2 };
    case 'x': {
      const hex = src.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { text: '', next: i + 2, error: `invalid '\\x' escape (expected two hex digits)` };
      return { text: String.fromCharCode(parseInt(hex, 16)), next: i + 4 };
    }
    default:
      return { text: c, next: i + 2 };
  }
}

function expandVar(
  src: string,
  i: number,
  env: Readonly<Record<string, string | undefined>>,
): { text: string; next: number; problem?: { severity: 'error' | 'warning'; message: string } } {
  let name: string;
  let next: number;
  if (src[i + 1] === '{') {
    const end = src.indexOf('}', i + 2);
    if (end < 0) return { text: '', next: src.length, problem: { severity: 'error', message: "unterminated '${' variable" } };
    name = src.slice(i + 2, end);
    next = end + 1;
  } else {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1));
    if (!m) return { text: '$', next: i + 1 };
    name = m[0];
    next = i + 1 + name.length;
  }
  // `${NAME[,*]}` (word splitting) is out of scope; a default like `${X-def}` is not HAProxy syntax.
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) {
    return { text: '', next, problem: { severity: 'error', message: `invalid environment variable name '${name}'` } };
  }
  const v = env[name];
  if (v === undefined) {
    // HAProxy expands an unset variable to the empty string; say so, it is usually a mistake.
    return { text: '', next, problem: { severity: 'warning', message: `environment variable '${name}' is not set; expanded to an empty string` } };
  }
  return { text: v, next };
}
