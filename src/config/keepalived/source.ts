// Where keepalived.conf text comes from. The preprocessor reads files only through this
// seam, so it stays pure; `fs-source.ts` is the node:fs adapter and `memorySource` the fake.

export interface ConfigSource {
  /** File contents, or undefined when there is no such file; throws with the reason when the file
   * exists but is refused or unreadable (not a regular file, too large, no permission). */
  readFile(path: string): string | undefined;
  /** Whether something exists at `path` (glob(3) keeps a literal path only if it exists). */
  exists(path: string): boolean;
  /** Names in a directory (no '.'/'..'), or undefined when `path` is not a readable directory. */
  listDir(path: string): readonly string[] | undefined;
}

/** In-memory source for tests: absolute POSIX paths -> contents. Directories are implied. */
export function memorySource(files: Readonly<Record<string, string>>): ConfigSource {
  const norm = new Map<string, string>();
  for (const [p, c] of Object.entries(files)) norm.set(normalizePath(p), c);
  return {
    readFile: (p) => norm.get(normalizePath(p)),
    exists: (p) => norm.has(normalizePath(p)),
    listDir: (p) => {
      const dir = normalizePath(p);
      const prefix = dir === '/' ? '/' : dir + '/';
      const names = new Set<string>();
      for (const f of norm.keys()) {
        if (f.startsWith(prefix)) names.add(f.slice(prefix.length).split('/')[0]!);
      }
      return names.size ? [...names].sort() : undefined;
    },
  };
}

// --- POSIX path helpers (pure; node:path is not allowed in this module) ---

export function normalizePath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const s = out.join('/');
  return abs ? '/' + s : s || '.';
}

export function dirnameOf(p: string): string {
  const n = normalizePath(p);
  const i = n.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : n.slice(0, i);
}

export function resolvePath(base: string, p: string): string {
  return normalizePath(p.startsWith('/') ? p : `${base}/${p}`);
}

// --- glob (the subset glob(3) gives keepalived: * ? [..] and csh braces) ---

/** More patterns than `MAX_BRACE_PATTERNS` from one brace expression ("{a,b}" 24 times is 16 M). */
export class TooManyPatterns extends Error {
  constructor(readonly max: number) {
    super(`brace expansion gives more than ${max} patterns`);
    this.name = 'TooManyPatterns';
  }
}

const MAX_BRACE_PATTERNS = 1024;

/** Expand csh-style braces: "a{b,c{d,e}}f" -> ["abf", "acdf", "acef"]; throws TooManyPatterns. */
export function expandBraces(pattern: string, max: number = MAX_BRACE_PATTERNS): string[] {
  const budget = { left: max };
  return expandWithin(pattern, budget, max);
}

function expandWithin(pattern: string, budget: { left: number }, max: number): string[] {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && depth > 0 && --depth === 0) {
      const inner = pattern.slice(start + 1, i);
      const alts: string[] = [];
      let d = 0,
        last = 0;
      for (let j = 0; j < inner.length; j++) {
        const cj = inner[j];
        if (cj === '\\') {
          j++;
          continue;
        }
        if (cj === '{') d++;
        else if (cj === '}') d--;
        else if (cj === ',' && d === 0) {
          alts.push(inner.slice(last, j));
          last = j + 1;
        }
      }
      alts.push(inner.slice(last));
      if (alts.length === 1) continue; // "{x}" without a comma is literal, as in glob(3)
      const pre = pattern.slice(0, start);
      const post = pattern.slice(i + 1);
      // Every alternative costs one unit, so the work stops near `max` whatever the shape.
      budget.left -= alts.length;
      if (budget.left < 0) throw new TooManyPatterns(max);
      return alts.flatMap((a) => expandWithin(pre + a + post, budget, max));
    }
  }
  return [pattern];
}

export function hasWildcard(s: string): boolean {
  return /[*?[]/.test(s);
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, close);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      re += '[' + body.replace(/\\/g, '\\\\') + ']';
      i = close;
    } else if (c === '\\' && i + 1 < seg.length) {
      re += seg[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

/**
 * Match an absolute pattern against the source, sorted like glob(3). Hidden names only
 * match a pattern segment that itself starts with '.'.
 */
export function globPaths(src: ConfigSource, absPattern: string): string[] {
  const results: string[] = [];
  for (const pat of expandBraces(absPattern)) {
    const segs = normalizePath(pat)
      .split('/')
      .filter((s) => s !== '');
    let current = ['/'];
    for (let k = 0; k < segs.length; k++) {
      const seg = segs[k]!;
      const next: string[] = [];
      for (const dir of current) {
        if (!hasWildcard(seg)) {
          next.push(dir === '/' ? '/' + seg.replace(/\\(.)/g, '$1') : `${dir}/${seg.replace(/\\(.)/g, '$1')}`);
          continue;
        }
        const names = src.listDir(dir);
        if (!names) continue;
        const re = segmentRegex(seg);
        for (const n of [...names].sort()) {
          if (n.startsWith('.') && !seg.startsWith('.')) continue;
          if (re.test(n)) next.push(dir === '/' ? '/' + n : `${dir}/${n}`);
        }
      }
      current = next;
    }
    // Literal paths must exist to count as a match (glob(3) checks existence); whether they can
    // be read is the reader's question, so a FIFO or a device is refused with its reason.
    for (const p of current) if (src.exists(p)) results.push(p);
  }
  return results;
}
