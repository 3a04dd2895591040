// Argument readers shared by every keyword row of the keepalived.conf importer: each one
// reports a bad value as a diagnostic at its token (file:line:col, the directive named) and
// returns undefined, so the row keeps its default and mapping goes on (keepalived logs the
// same problems and carries on). Pure: only `diags` is written.

import ipaddr from 'ipaddr.js';
import type { Diagnostics } from '../diagnostics.js';
import type { SourcePos } from '../model.js';
import type { ScriptUser } from '../model-vrrp.js';
import { splitCommandLine } from './command-line.js';
import type { Token } from './lexer.js';
import type { Stmt } from './parse.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface MapTools {
  readonly diags: Diagnostics;
  pos(t: Token): SourcePos;
  err(t: Token, msg: string, hint?: string, directive?: string): void;
  warn(t: Token, msg: string, directive?: string): void;
  note(t: Token, msg: string, directive?: string): void;
  needArgs(s: Stmt, n: number, what: string): boolean;
  noBlock(s: Stmt): void;
  needBlock(s: Stmt): readonly Stmt[];
  int(s: Stmt, idx: number, min: number, max: number): number | undefined;
  /** keepalived <TIMER>/decimal seconds -> ms. */
  seconds(s: Stmt, idx: number, minSec: number, maxSec: number): number | undefined;
  bool(s: Stmt, idx: number, dflt: boolean): boolean | undefined;
  scriptUser(s: Stmt, idx: number): ScriptUser | undefined;
  /** keepalived splits the line with quotes and escapes, then re-splits word 1 as the command (lib/notify.c). */
  commandWords(s: Stmt): string[] | undefined;
  parseIp(t: Token, directive: string): { addr: string; family: 4 | 6 } | undefined;
  /** Called by the keyword dispatcher for every row it runs (tests prove each row reachable). */
  readonly trace?: (scope: string, keyword: string) => void;
}

export function makeTools(diags: Diagnostics, trace?: (scope: string, keyword: string) => void): MapTools {
  const err = (t: Token, msg: string, hint?: string, directive?: string): void => diags.error(t.file, t.line, msg, { col: t.col, directive: directive ?? t.text, ...(hint ? { hint } : {}) });
  const warn = (t: Token, msg: string, directive?: string): void => diags.warning(t.file, t.line, msg, { col: t.col, directive: directive ?? t.text });
  const note = (t: Token, msg: string, directive?: string): void => diags.note(t.file, t.line, msg, { col: t.col, directive: directive ?? t.text });
  return {
    diags,
    ...(trace ? { trace } : {}),
    pos: (t) => ({ file: t.file, line: t.line, col: t.col }),
    err,
    warn,
    note,
    needArgs: (s, n, what) => {
      if (s.args.length >= n) return true;
      err(s.keyword, `needs ${what}`);
      return false;
    },
    noBlock: (s) => {
      if (s.block) err(s.keyword, 'takes no { } block');
    },
    needBlock: (s) => {
      if (!s.block) {
        err(s.keyword, 'needs a { } block');
        return [];
      }
      return s.block;
    },
    int: (s, idx, min, max) => {
      const t = s.args[idx];
      if (!t) {
        err(s.keyword, `needs an integer between ${min} and ${max}`);
        return undefined;
      }
      if (!/^[+-]?\d+$/.test(t.text)) {
        err(t, `'${t.text}' is not an integer (expected ${min}..${max})`, undefined, s.keyword.text);
        return undefined;
      }
      const v = Number(t.text);
      if (v < min || v > max) {
        err(t, `${v} is out of range ${min}..${max}`, undefined, s.keyword.text);
        return undefined;
      }
      return v;
    },
    seconds: (s, idx, minSec, maxSec) => {
      const t = s.args[idx];
      if (!t) {
        err(s.keyword, 'needs a time in seconds');
        return undefined;
      }
      if (!/^\d+(\.\d+)?$|^\.\d+$/.test(t.text)) {
        err(t, `'${t.text}' is not a time in seconds`, undefined, s.keyword.text);
        return undefined;
      }
      const v = Number(t.text);
      if (v < minSec || v > maxSec) {
        err(t, `${t.text} s is out of range ${minSec}..${maxSec}`, undefined, s.keyword.text);
        return undefined;
      }
      return Math.round(v * 1_000_000) / 1000;
    },
    bool: (s, idx, dflt) => {
      const t = s.args[idx];
      if (!t) return dflt;
      const v = t.text.toLowerCase();
      if (['on', 'true', 'yes'].includes(v)) return true;
      if (['off', 'false', 'no'].includes(v)) return false;
      err(t, `'${t.text}' is not on|off|true|false|yes|no`, undefined, s.keyword.text);
      return undefined;
    },
    scriptUser: (s, idx) => {
      const u = s.args[idx];
      if (!u) return undefined;
      const g = s.args[idx + 1];
      if (s.args.length > idx + 2) warn(s.args[idx + 2]!, 'extra words after user and group are ignored', s.keyword.text);
      return g ? { user: u.text, group: g.text } : { user: u.text };
    },
    commandWords: (s) => {
      const r = splitCommandLine(s.rawArgs);
      if (!r.ok) {
        err(s.keyword, `cannot split command line: ${r.reason}`);
        return undefined;
      }
      if (!r.argv.length || !r.argv[0]) {
        err(s.keyword, 'needs a command');
        return undefined;
      }
      const inner = splitCommandLine(r.argv[0]);
      if (!inner.ok || !inner.argv.length) {
        err(s.keyword, `cannot split command '${r.argv[0]}': ${inner.ok ? 'empty' : inner.reason}`);
        return undefined;
      }
      return r.argv;
    },
    parseIp: (t, directive) => {
      if (!ipaddr.isValid(t.text)) {
        err(t, `'${t.text}' is not an IP address`, undefined, directive);
        return undefined;
      }
      const a = ipaddr.parse(t.text);
      return { addr: a.toString(), family: a.kind() === 'ipv4' ? 4 : 6 };
    },
  };
}
