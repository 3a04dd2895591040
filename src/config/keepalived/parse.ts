// Block parser: logical lines -> tree of statements. A statement is the words of one line up
// to a '{' (which opens its block), a '}' or the end of the line; `{` may also start the next
// line. Positions are the tokens' file:line:col.

import type { Diagnostics } from '../diagnostics.js';
import { type Token, tokenizeLine } from './lexer.js';
import type { LogicalLine } from './preprocess.js';
import { CONFIG_LIMITS } from '../limits.js';

export interface Stmt {
  readonly keyword: Token;
  readonly args: readonly Token[];
  /** Present when the statement opened a `{ }` block. */
  readonly block?: readonly Stmt[];
  /** Raw text of the statement's line after the keyword (for script command lines). */
  readonly rawArgs: string;
}

type Item = Token | 'EOL';

export function parseStatements(lines: readonly LogicalLine[], diags: Diagnostics, maxDepth: number = CONFIG_LIMITS.blockDepth): Stmt[] {
  const items: Item[] = [];
  const rawByToken = new Map<Token, string>();
  for (const l of lines) {
    const r = tokenizeLine(l.text, l.file, l.line, l.indent ?? 0);
    if (r.error) diags.error(l.file, l.line, r.error.message, { col: r.error.col });
    for (const t of r.tokens) {
      items.push(t);
      rawByToken.set(t, l.text.slice(t.col - 1 - (l.indent ?? 0) + t.raw.length));
    }
    items.push('EOL');
  }

  let i = 0;
  /** A block opened deeper than maxDepth: report it at its '{' and step over it without
   * recursing (10,000 nested blocks must not exhaust the stack). */
  const skipBlock = (opener: Token): void => {
    diags.error(opener.file, opener.line, `blocks nest more than ${maxDepth} levels deep; keepalived.conf needs at most 4 (virtual_server > real_server > HTTP_GET > url): check for a missing '}'`, {
      col: opener.col,
    });
    let depth = 1;
    while (i < items.length && depth > 0) {
      const it = items[i++]!;
      if (it === 'EOL' || it.quoted) continue;
      if (it.text === '{') depth++;
      else if (it.text === '}') depth--;
    }
  };
  const parseBlock = (opener: Token | undefined, depth: number): Stmt[] => {
    const stmts: Stmt[] = [];
    while (i < items.length) {
      const it = items[i]!;
      if (it === 'EOL') {
        i++;
        continue;
      }
      if (it.text === '}' && !it.quoted) {
        i++;
        if (opener) return stmts;
        diags.error(it.file, it.line, "unexpected '}' with no open block", { col: it.col });
        continue;
      }
      if (it.text === '{' && !it.quoted) {
        diags.error(it.file, it.line, "'{' without a keyword before it", { col: it.col });
        i++;
        if (depth + 1 > maxDepth) skipBlock(it);
        else void parseBlock(it, depth + 1);
        continue;
      }
      const keyword = it;
      i++;
      const args: Token[] = [];
      while (i < items.length) {
        const a = items[i]!;
        if (a === 'EOL' || (!a.quoted && (a.text === '{' || a.text === '}'))) break;
        args.push(a);
        i++;
      }
      // '{' right after the words, or first on the following line.
      let j = i;
      if (items[j] === 'EOL') j++;
      const next = items[j];
      let block: Stmt[] | undefined;
      if (next !== undefined && next !== 'EOL' && next.text === '{' && !next.quoted) {
        i = j + 1;
        if (depth + 1 > maxDepth) {
          skipBlock(next);
          continue;
        }
        block = parseBlock(next, depth + 1);
      }
      stmts.push({ keyword, args, rawArgs: rawByToken.get(keyword) ?? '', ...(block ? { block } : {}) });
    }
    if (opener) diags.error(opener.file, opener.line, "'{' is never closed", { col: opener.col });
    return stmts;
  };
  return parseBlock(undefined, 0);
}
