// keepalived.conf preprocessor (keepalived.conf(5) "include", "ADVANCED CONFIGURATION"):
// comments, `include` with globs relative to the including file, `@id` conditional lines,
// `$NAME=value` definitions (also multi-line with trailing '\'), `$NAME` / `${NAME}` use
// (recursive, at use time; undefined names stay as written), ~SEQ/~SEQx/~LST blocks.
// Output: logical lines, each carrying the file:line it came from (for substituted text,
// the line of the use). Pure: files come from a ConfigSource.

import type { Diagnostics } from '../diagnostics.js';
import { stripComment } from './lexer.js';
import { CONFIG_LIMITS, formatBytes, longLineMessage } from '../limits.js';
import { type ConfigSource, dirnameOf, globPaths, hasWildcard, resolvePath, expandBraces, TooManyPatterns } from './source.js';

export interface LogicalLine {
  readonly text: string;
  readonly file: string;
  readonly line: number;
  /** Columns before `text` in the physical line (indentation), so token columns stay true. */
  readonly indent?: number;
}

export interface PreprocessOptions {
  /** keepalived's config-id (`-i`; defaults to the host name's first label) for `@id` lines. */
  readonly configId?: string;
  /** Safety limits against runaway ~SEQ / recursive definitions. */
  readonly maxLines?: number;
  /** Longest physical line accepted (CONFIG_LIMITS.lineChars by default). */
  readonly maxLineChars?: number;
  /** Characters of all files read for one load, includes too (CONFIG_LIMITS.totalBytes). */
  readonly maxTotalChars?: number;
}

interface Definition {
  readonly lines: readonly string[];
}

const INCLUDE_WORDS = new Set(['include', 'includer', 'includem', 'includew', 'includeb', 'includea']);
const MAX_DEPTH = 32;

export function preprocess(rootPath: string, src: ConfigSource, diags: Diagnostics, opts: PreprocessOptions = {}): LogicalLine[] | undefined {
  const out: LogicalLine[] = [];
  const defs = new Map<string, Definition>();
  const maxLines = opts.maxLines ?? 200_000;
  const maxLineChars = opts.maxLineChars ?? CONFIG_LIMITS.lineChars;
  const maxTotal = opts.maxTotalChars ?? CONFIG_LIMITS.totalBytes;
  let totalRead = 0;
  const stack: string[] = [];
  let overflow = false;

  let text: string | undefined;
  try {
    text = src.readFile(rootPath);
  } catch (e) {
    diags.error(rootPath, 0, `cannot read configuration file: ${reason(e)}`);
    return undefined;
  }
  if (text === undefined) {
    diags.error(rootPath, 0, 'cannot read configuration file');
    return undefined;
  }

  // ~SEQ and definitions multiply text: what they produce is bounded like what is read.
  let emitted = 0;
  const emit = (l: LogicalLine): void => {
    emitted += l.text.length;
    if (out.length >= maxLines || emitted > maxTotal) {
      const what = out.length >= maxLines ? `${maxLines} lines` : formatBytes(maxTotal);
      if (!overflow) diags.error(l.file, l.line, `configuration expands to more than ${what}; stopping`);
      overflow = true;
      return;
    }
    out.push(l);
  };

  const predefined = (name: string, file: string): string | undefined => {
    switch (name) {
      case '_PWD':
        return dirnameOf(file);
      case '_INSTANCE':
        return opts.configId;
      case '_HASH':
        return '#';
      case '_BANG':
        return '!';
      default:
        return undefined;
    }
  };

  const lookup = (name: string, file: string): Definition | undefined => {
    const d = defs.get(name);
    if (d) return d;
    const p = predefined(name, file);
    return p === undefined ? undefined : { lines: [p] };
  };

  /**
   * Replace single-line definitions recursively; stop at the first multi-line one and
   * return the pieces around it so each of its lines is processed (definitions inside a
   * multi-line value take effect in order, as the manual's $VS/$RS example requires).
   */
  const substitute = (line: string, file: string, lineNo: number): { text: string; multi?: { lines: readonly string[]; after: string } } => {
    let s = line;
    let guard = 0;
    let i = 0;
    while (i < s.length) {
      const at = s.indexOf('$', i);
      if (at < 0) break;
      let name: string | undefined;
      let end = at;
      if (s[at + 1] === '{') {
        const close = s.indexOf('}', at + 2);
        const m = close > 0 ? /^[A-Za-z_][A-Za-z0-9_]*$/.exec(s.slice(at + 2, close)) : null;
        if (m) {
          name = m[0];
          end = close + 1;
        }
      } else {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(at + 1));
        // `$NAME` must be followed by whitespace or the end (keepalived.conf(5)).
        if (m && (at + 1 + m[0].length === s.length || /\s/.test(s[at + 1 + m[0].length]!))) {
          name = m[0];
          end = at + 1 + m[0].length;
        }
      }
      const def = name !== undefined ? lookup(name, file) : undefined;
      if (!def) {
        i = at + 1;
        continue;
      }
      if (++guard > 1000) {
        diags.error(file, lineNo, `definition '$${name}' expands recursively without end`);
        return { text: s };
      }
      if (def.lines.length > 1) return { text: s.slice(0, at), multi: { lines: def.lines, after: s.slice(end) } };
      s = s.slice(0, at) + def.lines[0]! + s.slice(end);
      // Definitions that name each other several times grow a line exponentially.
      if (s.length > maxLineChars) {
        diags.error(file, lineNo, `definition '$${name}' expands this line beyond ${maxLineChars} characters`);
        return { text: '' };
      }
      i = at; // the value itself may name further parameters
    }
    return { text: s };
  };

  const parseSeqArgs = (body: string): string[] => body.split(',').map((x) => x.trim());

  /** ~SEQ(var, [start,] [step,] end) values, formatted decimal or hex. */
  const seqValues = (args: string[], hex: boolean, file: string, lineNo: number): { name: string; values: string[] } | undefined => {
    const name = args[0] ?? '';
    const nums = args.slice(1).map((a) => Number(a));
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || nums.length < 1 || nums.length > 3 || nums.some((n) => !Number.isInteger(n))) {
      diags.error(file, lineNo, `malformed ~SEQ(${args.join(', ')}): expected ~SEQ(var, [start,] [step,] end)`, { directive: '~SEQ' });
      return undefined;
    }
    let start: number, step: number, end: number;
    if (nums.length === 1) {
      end = nums[0]!;
      start = end >= 0 ? 1 : -1;
      step = end >= start ? 1 : -1;
    } else if (nums.length === 2) {
      [start, end] = nums as [number, number];
      step = end >= start ? 1 : -1;
    } else {
      [start, step, end] = nums as [number, number, number];
    }
    if (step === 0 || (step > 0 && start > end) || (step < 0 && start < end)) {
      diags.error(file, lineNo, `~SEQ(${args.join(', ')}) never reaches its end`, { directive: '~SEQ' });
      return undefined;
    }
    const values: string[] = [];
    for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
      values.push(hex ? v.toString(16) : String(v));
      if (values.length > maxLines) break;
    }
    return { name, values };
  };

  /** ~LST(var, v1, v2...) or ~LST({A, B}, {1, 2}, {3, 4}). */
  const lstValues = (body: string, file: string, lineNo: number): { names: string[]; sets: string[][] } | undefined => {
    const groups: string[][] = [];
    let rest = body.trim();
    const bad = (): undefined => {
      diags.error(file, lineNo, `malformed ~LST(${body})`, { directive: '~LST' });
      return undefined;
    };
    if (rest.startsWith('{')) {
      while (rest.length) {
        const m = /^\{([^}]*)\}\s*(,\s*)?/.exec(rest);
        if (!m) return bad();
        groups.push(parseSeqArgs(m[1]!));
        rest = rest.slice(m[0].length);
      }
      const names = groups.shift()!;
      if (!groups.length || groups.some((g) => g.length !== names.length)) return bad();
      return { names, sets: groups };
    }
    const parts = parseSeqArgs(rest);
    if (parts.length < 2) return bad();
    return { names: [parts[0]!], sets: parts.slice(1).map((v) => [v]) };
  };

  const processLine = (raw: string, file: string, lineNo: number, depth: number, indent = 0): void => {
    if (depth > MAX_DEPTH) {
      diags.error(file, lineNo, 'definitions nest too deeply');
      return;
    }
    let t = raw.trim();
    if (!t) return;

    // Conditional configuration: "@id rest" keeps rest only for config-id id; "@^id" the reverse.
    if (t.startsWith('@')) {
      const m = /^@(\^?)(\S*)\s*(.*)$/.exec(t)!;
      const match = opts.configId !== undefined && m[2] === opts.configId;
      if ((m[1] === '^') === match) return;
      t = m[3]!;
      if (!t) return;
    }

    const def = /^\$([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(t);
    if (def) {
      defs.set(def[1]!, { lines: [def[2]!.trim()] });
      return;
    }

    const seq = /^~(SEQx?|LST)\(/.exec(t);
    if (seq) {
      const close = findClose(t, seq[0].length - 1);
      if (close < 0) {
        diags.error(file, lineNo, `unterminated ~${seq[1]}(`, { directive: `~${seq[1]}` });
        return;
      }
      const body = t.slice(seq[0].length, close);
      const rest = t.slice(close + 1);
      const saved = new Map(defs);
      if (seq[1] === 'LST') {
        const l = lstValues(body, file, lineNo);
        if (!l) return;
        for (const set of l.sets) {
          l.names.forEach((n, k) => defs.set(n, { lines: [set[k]!] }));
          processLine(rest, file, lineNo, depth + 1);
          if (overflow) break;
        }
      } else {
        const s = seqValues(parseSeqArgs(body), seq[1] === 'SEQx', file, lineNo);
        if (!s) return;
        for (const v of s.values) {
          defs.set(s.name, { lines: [v] });
          processLine(rest, file, lineNo, depth + 1);
          if (overflow) break;
        }
      }
      // The sequence variable is not meant to outlive its block (keepalived.conf(5) note).
      defs.clear();
      for (const [k, v] of saved) defs.set(k, v);
      return;
    }

    const sub = substitute(t, file, lineNo);
    if (sub.multi) {
      const lines = sub.multi.lines;
      const pieces = lines.map((l, k) => (k === 0 ? sub.text + l : l));
      pieces[pieces.length - 1] = pieces[pieces.length - 1]! + sub.multi.after;
      for (const p of pieces) processLine(p, file, lineNo, depth + 1);
      return;
    }
    if (sub.text.trim()) emit({ text: sub.text.trim(), file, line: lineNo, indent: indent + (t.length - t.trimStart().length) + (raw.length - raw.trimStart().length) });
  };

  const processFile = (path: string, content: string): void => {
    if (stack.includes(path)) {
      diags.error(path, 1, `include loop: ${[...stack, path].join(' -> ')}`);
      return;
    }
    if (stack.length >= MAX_DEPTH) {
      diags.error(path, 1, 'includes nest too deeply');
      return;
    }
    stack.push(path);
    const lines = content.split(/\r?\n/);
    for (let i = 0; i < lines.length && !overflow; i++) {
      const lineNo = i + 1;
      if (lines[i]!.length > maxLineChars) {
        diags.error(path, lineNo, longLineMessage(lines[i]!.length, maxLineChars));
        continue;
      }
      let t = stripComment(lines[i]!).trim();
      if (!t) continue;

      // Multi-line definition: "$NAME= \" then lines ending in '\' up to one that does not.
      const mdef = /^(@\^?\S+\s+)?\$([A-Za-z_][A-Za-z0-9_]*)=(.*)\\$/.exec(t);
      if (mdef) {
        const body: string[] = [];
        const first = mdef[3]!.trim();
        if (first) body.push(first);
        let j = i + 1;
        for (; j < lines.length; j++) {
          const l = stripComment(lines[j]!).trim();
          if (l.endsWith('\\')) {
            const v = l.slice(0, -1).trim();
            if (v) body.push(v);
          } else {
            if (l) body.push(l);
            break;
          }
        }
        if (j >= lines.length) diags.error(path, lineNo, `multi-line definition '$${mdef[2]}' runs to the end of the file`);
        i = j;
        const cond = mdef[1]?.trim();
        if (cond) {
          const m = /^@(\^?)(\S+)$/.exec(cond)!;
          const match = opts.configId !== undefined && m[2] === opts.configId;
          if ((m[1] === '^') === match) continue;
        }
        defs.set(mdef[2]!, { lines: body.length ? body : [''] });
        continue;
      }

      const words = t.split(/\s+/);
      if (INCLUDE_WORDS.has(words[0]!)) {
        handleInclude(words[0]!, t.slice(words[0]!.length).trim(), path, lineNo);
        continue;
      }
      processLine(t, path, lineNo, 0, lines[i]!.length - lines[i]!.trimStart().length);
    }
    stack.pop();
  };

  const handleInclude = (kind: string, arg: string, from: string, lineNo: number): void => {
    const name = arg.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
    if (!name) {
      diags.error(from, lineNo, 'include needs a file name', { directive: kind });
      return;
    }
    // Relative names are relative to the including file's directory (keepalived.conf(5)).
    const pattern = resolvePath(dirnameOf(from), name);
    let matches: string[];
    try {
      matches = globPaths(src, pattern);
    } catch (e) {
      if (!(e instanceof TooManyPatterns)) throw e;
      diags.error(from, lineNo, `'${name}': ${e.message}; use fewer {a,b} groups or a wildcard`, { directive: kind });
      return;
    }
    if (matches.length === 0) {
      const wild = hasWildcard(name) || expandBraces(name).length > 1;
      // Plain `include` tolerates a missing file (kept for compatibility in keepalived);
      // includer/includew only warn for wildcards; the strict variants refuse.
      const strict = kind === 'includea' || kind === 'includem' || kind === 'includeb' || (kind === 'includew' && wild);
      const msg = wild ? `'${name}' matches no file` : `cannot read '${name}'`;
      if (strict) diags.error(from, lineNo, msg, { directive: kind });
      else diags.warning(from, lineNo, msg, { directive: kind });
      return;
    }
    for (const m of matches) {
      let content: string | undefined;
      try {
        content = src.readFile(m);
      } catch (e) {
        diags.error(from, lineNo, `cannot read '${m}': ${reason(e)}`, { directive: kind });
        continue;
      }
      if (content === undefined) {
        diags.error(from, lineNo, `cannot read '${m}'`, { directive: kind });
        continue;
      }
      totalRead += content.length;
      if (totalRead > maxTotal) {
        diags.error(from, lineNo, `'${m}' brings the files read for this configuration over ${formatBytes(maxTotal)}; stopping`, { directive: kind });
        overflow = true;
        return;
      }
      processFile(m, content);
    }
  };

  totalRead = text.length;
  processFile(rootPath, text);
  // Past a limit the lines are incomplete: parsing them would only add noise (and time).
  return overflow ? undefined : out;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function findClose(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return -1;
}
