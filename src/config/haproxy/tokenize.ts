// haproxy.cfg lexer: one physical line -> words, each with its column. Pure module.
//
// Rules matched (HAProxy configuration.txt §2.2-2.3 and its parse_line()): words are split
// on blanks; '#' starts a comment unless quoted or escaped; outside single quotes a
// backslash escapes space, '\\', '#', quotes, and makes \t \n \r \xHH control bytes (used in
// `option httpchk ... HTTP/1.1\r\nHost:\ x`), any other backslash is kept as is (regexes);
// double quotes allow blanks and expand "$VAR", "${VAR}", "${VAR-default}", "${VAR[*]}"
// (split into words) and "${.FILE}"/"${.LINE}"/"${.SECTION}"; single quotes take everything
// literally. Adjacent quoted and unquoted parts join into one word, as in HAProxy.

import { CONFIG_LIMITS } from '../limits.js';

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

/** Values for HAProxy's pseudo-variables "${.FILE}", "${.LINE}", "${.SECTION}". */
export interface PseudoVars {
  readonly file?: string;
  readonly section?: string;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r';

/** One physical line; the loader calls this line by line so `setenv` in global affects later lines. */
export function tokenizeLine(src: string, line: number, env: Readonly<Record<string, string | undefined>>, problems: LexProblem[], pseudo: PseudoVars = {}): Word[] {
  const words: Word[] = [];
  const n = src.length;
  // `setenv A "${A}${A}"` repeated doubles a value per line: bound what variables add to a line.
  let expanded = 0;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(src[i])) i++;
    if (i >= n || src[i] === '#') break;
    let start = i;
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
        const esc = unescape(src, i, quote === '"');
        if (esc.error) problems.push({ line, col: i + 1, severity: 'error', message: esc.error });
        text += esc.text;
        i = esc.next - 1;
        continue;
      }
      if (quote === '"') {
        if (c === '"') quote = undefined;
        else if (c === '$') {
          const v = expandVar(src, i, env, line, pseudo);
          if (v.problem) problems.push({ line, col: i + 1, ...v.problem });
          expanded += v.text.length;
          if (expanded > CONFIG_LIMITS.lineChars) {
            problems.push({ line, col: i + 1, severity: 'error', message: `environment variables expand this line beyond ${CONFIG_LIMITS.lineChars} characters` });
            return [];
          }
          // `${NAME[*]}` splits the value into several words, as HAProxy does.
          const parts = v.split ? v.text.split(/[ \t]+/) : [v.text];
          text += parts[0]!;
          for (const part of parts.slice(1)) {
            words.push({ text, col: start + 1 });
            text = part;
            start = i;
          }
          i = v.next - 1;
        } else text += c;
        continue;
      }
      if (isSpace(c) || c === '#') break;
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

/**
 * HAProxy's escapes: \<space> \\ \# \' \" \t \n \r \xHH everywhere outside single quotes,
 * \$ only inside double quotes; any other backslash stays a literal backslash (so regexes
 * like `^\+OK` keep their escape).
 */
function unescape(src: string, i: number, inDquote: boolean): { text: string; next: number; error?: string } {
  const c = src[i + 1];
  switch (c) {
    case ' ':
    case '\\':
    case '#':
    case "'":
    case '"':
      return { text: c, next: i + 2 };
    case '$':
      return inDquote ? { text: '$', next: i + 2 } : { text: '\\', next: i + 1 };
    case 't':
      return { text: '\t', next: i + 2 };
    case 'n':
      return { text: '\n', next: i + 2 };
    case 'r':
      return { text: '\r', next: i + 2 };
    case 'x': {
      const hex = src.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return { text: '', next: i + 2, error: `invalid '\\x' escape (expected two hex digits)` };
      return { text: String.fromCharCode(parseInt(hex, 16)), next: i + 4 };
    }
    default:
      return { text: '\\', next: i + 1 };
  }
}

function expandVar(
  src: string,
  i: number,
  env: Readonly<Record<string, string | undefined>>,
  line: number,
  pseudo: PseudoVars,
): { text: string; next: number; split?: boolean; problem?: { severity: 'error' | 'warning'; message: string } } {
  let j = i + 1;
  const brace = src[j] === '{';
  if (brace) j++;
  const nameStart = j;
  if (!/[A-Za-z_.]/.test(src[j] ?? '')) {
    return { text: '', next: j, problem: { severity: 'error', message: "invalid environment variable name after '$' (use \\$ for a literal dollar)" } };
  }
  if (src[j] === '.') j++;
  while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
  const name = src.slice(nameStart, j);
  let value: string | undefined;
  if (name.startsWith('.')) {
    if (name === '.LINE') value = String(line);
    else if (name === '.FILE') value = pseudo.file ?? '';
    else if (name === '.SECTION') value = pseudo.section ?? '';
    else return { text: '', next: j, problem: { severity: 'error', message: `unknown pseudo-variable '${name}' (.FILE, .LINE, .SECTION)` } };
  } else value = Object.hasOwn(env, name) ? env[name] : undefined; // own keys: ${constructor} is unset, not Object
  let split = false;
  let fallback: string | undefined;
  if (brace) {
    if (src.startsWith('[*]', j)) {
      split = true;
      j += 3;
    } else if (src[j] === '[') {
      return { text: '', next: j + 1, problem: { severity: 'error', message: "invalid word expansion (only '[*]' is allowed)" } };
    }
    if (src[j] === '-') {
      const end = src.indexOf('}', j);
      if (end < 0) return { text: '', next: src.length, problem: { severity: 'error', message: "unmatched '{' in environment variable" } };
      fallback = src.slice(j + 1, end);
      j = end;
    }
    if (src[j] !== '}') return { text: '', next: j, problem: { severity: 'error', message: "unmatched '{' in environment variable" } };
    j++;
  }
  if (value === undefined) {
    if (fallback !== undefined) return { text: fallback, next: j, split };
    // HAProxy expands an unset variable to nothing; say so, it is usually a mistake.
    return { text: '', next: j, split, problem: { severity: 'warning', message: `environment variable '${name}' is not set; expanded to an empty string` } };
  }
  return { text: value, next: j, split };
}
