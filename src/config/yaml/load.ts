// halb.yaml front end: YAML (with node ranges) -> zod -> the model, every problem mapped to
// the file:line of the offending key or value. Pure module: contents and readFile come in.
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { didYouMean, type Diagnostics } from '../diagnostics.js';
import { isHostname, isIp } from '../address.js';
import type { Backend, ErrorFile, Frontend, HalbConfig, Resolvers, SourcePos, StatsPage } from '../model.js';
import type { GarpSettings, VrrpConfig } from '../model-vrrp.js';
import { DEFAULT_GARP } from '../model-vrrp.js';
import type { Located, Locator } from '../locate.js';
import { halbYamlSchema, type HalbYaml } from './schema.js';
import { ERRORFILE_CODES } from '../haproxy/load.js';
import { validateVrrp } from '../validate-vrrp.js';
import { CONFIG_LIMITS, findLongLine, longLineMessage, type ConfigFileReader } from '../limits.js';
import { parseDocumentBounded } from './bounded-parse.js';

export interface YamlLoadOptions {
  /** Reads `errorFiles` entries (kind 'errorfile'); throws when the file cannot be read. */
  readFile: ConfigFileReader;
  /** Longest line and deepest nesting accepted (CONFIG_LIMITS by default). */
  maxLineChars?: number;
  maxDepth?: number;
}

export interface YamlLoadResult {
  /** undefined when the file has errors. */
  readonly config?: HalbConfig;
  /** Which halves the file declared, so load.ts can refuse two sources for one half. */
  readonly declares: { lb: boolean; vrrp: boolean };
  readonly locate: Locator;
}

type Path = readonly (string | number)[];

export function loadYaml(file: string, text: string, diags: Diagnostics, opts: YamlLoadOptions): YamlLoadResult {
  const lc = new LineCounter();
  // Limits first: the yaml library composes nested collections recursively, so 10,000 levels
  // would exhaust the stack, and a huge line only slows everything down.
  const maxLine = opts.maxLineChars ?? CONFIG_LIMITS.lineChars;
  const long = findLongLine(text, maxLine);
  if (long) {
    diags.error(file, long.line, longLineMessage(long.length, maxLine), { directive: 'yaml' });
    return { declares: { lb: false, vrrp: false }, locate: () => ({ pos: { file, line: 1 } }) };
  }
  const maxDepth = opts.maxDepth ?? CONFIG_LIMITS.yamlDepth;
  const bounded = parseDocumentBounded(text, maxDepth, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if ('tooDeepAt' in bounded) {
    const { line, col } = lc.linePos(bounded.tooDeepAt);
    diags.error(file, line, `nesting is more than ${maxDepth} levels deep; halb.yaml needs about 6 (check the indentation or the brackets)`, { col, directive: 'yaml' });
    return { declares: { lb: false, vrrp: false }, locate: () => ({ pos: { file, line: 1 } }) };
  }
  const doc = bounded.doc;
  const posAt = (offset: number): SourcePos => {
    const { line, col } = lc.linePos(offset);
    return { file, line, col };
  };
  const locate: Locator = (path) => locateIn(doc, path, posAt, file);
  const none: YamlLoadResult = { declares: { lb: false, vrrp: false }, locate };

  for (const e of doc.errors) {
    const p = posAt(e.pos[0]);
    diags.error(file, p.line, e.message.split('\n')[0]!, { col: p.col!, directive: 'yaml' });
  }
  for (const w of doc.warnings) {
    const p = posAt(w.pos[0]);
    diags.warning(file, p.line, w.message.split('\n')[0]!, { col: p.col!, directive: 'yaml' });
  }
  if (doc.errors.length > 0) return none;

  let data: unknown;
  try {
    // Throws on an alias without anchor and on alias bombs (maxAliasCount).
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    let at: SourcePos = { file, line: 1 };
    visit(doc, {
      Alias(_k, node) {
        if (node.resolve(doc) === undefined && node.range) {
          at = posAt(node.range[0]);
          return visit.BREAK;
        }
        return undefined;
      },
    });
    diags.error(file, at.line, `invalid YAML: ${e instanceof Error ? e.message : String(e)}`, { ...(at.col !== undefined ? { col: at.col } : {}), directive: 'yaml' });
    return none;
  }
  const top = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const declares = {
    lb: ['frontends', 'backends', 'resolvers', 'stats', 'global'].some((k) => k in top),
    vrrp: 'vrrp' in top,
  };
  const parsed = halbYamlSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of flattenIssues(parsed.error.issues)) reportIssue(issue, doc, data, diags, locate, file, posAt);
    return { ...none, declares };
  }
  warnTinyDurations(parsed.data, data, diags, locate);
  const before = diags.errors().length;
  const config = toModel(parsed.data, diags, locate, opts);
  validateVrrp(config.vrrp, diags, locate);
  return { ...(diags.errors().length === before ? { config } : {}), declares, locate };
}

// ---- positions ---------------------------------------------------------------------------

function pathText(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s || '(top)';
}

/** The node at path, or the deepest existing ancestor. Keys point at the key, values at the value. */
function locateIn(doc: Document, path: Path, posAt: (o: number) => SourcePos, file: string): Located {
  let node: unknown = doc.contents;
  let best: SourcePos | undefined = node && isNode(node) && node.range ? posAt(node.range[0]) : undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      const key = pair.key as Node;
      if (key.range) best = posAt(key.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node && isNode(node) && node.range) best = posAt(node.range[0]);
      else break;
    } else break;
  }
  return { pos: best ?? { file, line: 1 }, directive: pathText(path) };
}

// ---- zod issues --------------------------------------------------------------------------

type Issue = z.core.$ZodIssue;

/** A union issue wraps one list per alternative; keep the alternative that got furthest. */
function flattenIssues(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const i of issues) {
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const branches = i.errors.map((b) => b.map((x) => ({ ...x, path: [...i.path, ...x.path] }) as Issue));
      // Prefer the branch whose problems are deepest inside the value: the value had that
      // alternative's shape (an object with a typo, not a string), so its issues are the useful ones.
      const depth = (b: Issue[]): number => Math.min(...b.map((x) => x.path.length - i.path.length));
      let best = branches[0]!;
      for (const b of branches) if (depth(b) > depth(best)) best = b;
      if (depth(best) > 0) {
        out.push(...flattenIssues(best));
        continue;
      }
    }
    out.push(i);
  }
  return out;
}

function valueAt(data: unknown, path: Path): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function reportIssue(issue: Issue, doc: Document, data: unknown, diags: Diagnostics, locate: Locator, file: string, posAt: (o: number) => SourcePos): void {
  let path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path, data);
    for (const key of issue.keys) {
      const at = locateIn(doc, [...path, key], posAt, file);
      diags.error(at.pos.file, at.pos.line, `unknown key '${key}'`, {
        col: at.pos.col!,
        directive: pathText([...path, key]),
        ...(known.length ? { hint: didYouMean(key, known) ?? `expected one of: ${known.join(', ')}` } : {}),
      });
    }
    return;
  }
  const at = locate(path);
  let message = issue.message;
  if (issue.code === 'invalid_type' && valueAt(data, path) === undefined) {
    message = `missing required key '${String(path[path.length - 1])}'`;
  } else if (issue.code === 'invalid_value' && 'values' in issue) {
    enumError(diags, at, path, valueAt(data, path), issue.values);
    return;
  } else if (issue.code === 'invalid_union' && (issue as { note?: string }).note === 'No matching discriminator') {
    const disc = String((issue as { discriminator?: string }).discriminator ?? 'type');
    // zod v4 puts the tag itself at the end of the issue's path.
    if (path[path.length - 1] === disc) path = path.slice(0, -1);
    const got = valueAt(data, [...path, disc]);
    // An unmatched tag leaves every alternative in play, so this collects all their tags.
    const values = enumValuesAt([...path, disc], data);
    if (got === undefined) {
      diags.error(at.pos.file, at.pos.line, `missing '${disc}'${values.length ? `: expected one of ${quoted(values)}` : ''}`, { col: at.pos.col!, directive: pathText(path) });
    } else enumError(diags, locate([...path, disc]), [...path, disc], got, values);
    return;
  } else if (issue.code === 'invalid_union') {
    // A union of enums and objects (`balance: roundrobin` or `balance: {algo: ...}`): zod says
    // only "Invalid input"; name the valid values the way a plain enum error does.
    const got = valueAt(data, path);
    const values = enumValuesAt(path, data);
    if (values.length && (typeof got !== 'object' || got === null)) {
      enumError(diags, at, path, got, values);
      return;
    }
  }
  diags.error(at.pos.file, at.pos.line, message, { col: at.pos.col!, directive: pathText(path) });
}

const quoted = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');

/** One form for every value outside a fixed set: the value, all valid values, the nearest one. */
function enumError(diags: Diagnostics, at: Located, path: Path, got: unknown, values: readonly unknown[]): void {
  const hint = typeof got === 'string' ? didYouMean(got, values.map(String)) : undefined;
  diags.error(at.pos.file, at.pos.line, `invalid value ${JSON.stringify(got)}: expected one of ${quoted(values)}`, {
    col: at.pos.col!,
    directive: pathText(path),
    ...(hint ? { hint } : {}),
  });
}

/** Keys the schema accepts at a path, for "did you mean". */
function knownKeys(path: Path, data: unknown): string[] {
  const keys = new Set<string>();
  for (const c of schemasAt(path, data)) for (const k of Object.keys(objectShape(c) ?? {})) keys.add(k);
  return [...keys];
}

/** Enum and literal values the schema accepts at a path (through unions), for enum errors. */
function enumValuesAt(path: Path, data: unknown): unknown[] {
  const out = new Set<unknown>();
  for (const c of schemasAt(path, data)) {
    const def = (c as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'enum') for (const v of Object.values(def.entries as Record<string, unknown>)) out.add(v);
    else if (def.type === 'literal') for (const v of def.values as unknown[]) out.add(v);
  }
  return [...out];
}

/** Schemas that may apply at a path, given the data (unions resolved by discriminator). Walks zod v4 definitions. */
function schemasAt(path: Path, data: unknown): unknown[] {
  const unwrap = (x: unknown, value: unknown): unknown[] => {
    const def = (x as { _zod: { def: Record<string, unknown> } })._zod.def;
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'prefault':
      case 'nullable':
        return unwrap(def.innerType, value);
      case 'pipe':
        return unwrap(def.in, value);
      case 'union': {
        const opts = (def.options as unknown[]).flatMap((o) => unwrap(o, value));
        const disc = def.discriminator as string | undefined;
        if (disc && value && typeof value === 'object') {
          const want = (value as Record<string, unknown>)[disc];
          const match = opts.filter((o) => {
            const sh = objectShape(o);
            const lit = sh?.[disc] as { _zod: { def: { values?: unknown[] } } } | undefined;
            return lit?._zod.def.values?.includes(want);
          });
          if (match.length) return match;
        }
        return opts;
      }
      default:
        return [x];
    }
  };
  let cands: unknown[] = unwrap(halbYamlSchema, data);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const value = valueAt(data, path.slice(0, i + 1));
    const next: unknown[] = [];
    for (const c of cands) {
      const def = (c as { _zod: { def: Record<string, unknown> } })._zod.def;
      if (def.type === 'object' && typeof seg === 'string') {
        const f = (def.shape as Record<string, unknown>)[seg];
        if (f) next.push(...unwrap(f, value));
      } else if (def.type === 'array' && typeof seg === 'number') next.push(...unwrap(def.element, value));
      else if (def.type === 'record') next.push(...unwrap(def.valueType, value));
    }
    cands = next;
  }
  return cands;
}

function objectShape(x: unknown): Record<string, unknown> | undefined {
  const def = (x as { _zod: { def: Record<string, unknown> } })._zod.def;
  return def.type === 'object' ? (def.shape as Record<string, unknown>) : undefined;
}

/**
 * A bare number is milliseconds, but people used to keepalived write `advertInt: 1` meaning a
 * second; a tiny number where seconds are usual gets a warning with the likely intent.
 */
function warnTinyDurations(y: HalbYaml, data: unknown, diags: Diagnostics, locate: Locator): void {
  const paths: Path[] = [];
  const TIMEOUTS = ['connect', 'client', 'server', 'check', 'httpRequest', 'httpKeepAlive', 'queue', 'tunnel'];
  y.frontends.forEach((_f, i) => TIMEOUTS.forEach((k) => paths.push(['frontends', i, 'timeouts', k])));
  y.backends.forEach((b, i) => {
    TIMEOUTS.forEach((k) => paths.push(['backends', i, 'timeouts', k]));
    b.servers.forEach((_s, j) => ['inter', 'fastinter', 'downinter'].forEach((k) => paths.push(['backends', i, 'servers', j, k])));
  });
  y.vrrp.instances.forEach((_x, i) => ['advertInt', 'preemptDelay'].forEach((k) => paths.push(['vrrp', 'instances', i, k])));
  y.vrrp.scripts.forEach((_x, i) => ['interval', 'timeout'].forEach((k) => paths.push(['vrrp', 'scripts', i, k])));
  for (const path of paths) {
    const raw = valueAt(data, path);
    if (typeof raw === 'number' && raw > 0 && raw < 100) {
      const at = locate(path);
      diags.warning(at.pos.file, at.pos.line, `${raw} means ${raw} milliseconds here`, {
        ...(at.pos.col !== undefined ? { col: at.pos.col } : {}),
        directive: at.directive!,
        hint: `did you mean "${raw}s"?`,
      });
    }
  }
}

// ---- model -------------------------------------------------------------------------------

function toModel(y: HalbYaml, diags: Diagnostics, locate: Locator, opts: YamlLoadOptions): HalbConfig {
  const pos = (path: Path): SourcePos => locate(path).pos;
  const errorFiles = (files: Record<string, string>, base: Path): Record<number, ErrorFile> => {
    const out: Record<number, ErrorFile> = {};
    for (const [codeText, path] of Object.entries(files)) {
      const code = Number(codeText);
      const at = locate([...base, 'errorFiles', codeText]);
      const report = (m: string): void => diags.error(at.pos.file, at.pos.line, m, { col: at.pos.col!, directive: at.directive! });
      if (!ERRORFILE_CODES.includes(code)) {
        report(`status ${code} is not one halb serves (${ERRORFILE_CODES.join(', ')})`);
        continue;
      }
      try {
        const content = opts.readFile(path, 'errorfile');
        if (!/^HTTP\/1\.[01] \d{3}/.test(content)) report(`'${path}' must hold a complete HTTP response starting with a status line`);
        else out[code] = { path, content };
      } catch (e) {
        report(`cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return out;
  };

  const frontends: Frontend[] = y.frontends.map((f, i) => ({
    ...stripUndefined({ ...f, errorFiles: errorFiles(f.errorFiles, ['frontends', i]) }),
    binds: f.binds.map((b, j) => ({ ...b, pos: pos(['frontends', i, 'binds', j]) })),
    pos: pos(['frontends', i]),
  })) as Frontend[];

  const backends: Backend[] = y.backends.map((b, i) => ({
    ...stripUndefined({ ...b, errorFiles: errorFiles(b.errorFiles, ['backends', i]) }),
    servers: b.servers.map((s, j) => ({
      ...stripUndefined(s),
      ...(isIp(s.address) ? {} : { hostname: s.address }),
      pos: pos(['backends', i, 'servers', j]),
    })),
    pos: pos(['backends', i]),
  })) as Backend[];
  y.backends.forEach((b, i) =>
    b.servers.forEach((s, j) => {
      if (!isIp(s.address) && !isHostname(s.address)) {
        const at = locate(['backends', i, 'servers', j, 'address']);
        diags.error(at.pos.file, at.pos.line, `'${s.address}' is neither an IP address nor a valid host name (give the port in 'port')`, { col: at.pos.col!, directive: at.directive! });
      }
    }),
  );

  const resolvers: Resolvers[] = y.resolvers.map((r, i) => ({ ...r, pos: pos(['resolvers', i]) }));
  const stats: StatsPage[] = y.stats.map((s, i) => ({
    ...stripUndefined(s),
    binds: s.binds.map((b, j) => ({ ...b, pos: pos(['stats', i, 'binds', j]) })),
    pos: pos(['stats', i]),
  })) as StatsPage[];

  const globalGarp = mergeGarp(DEFAULT_GARP, y.vrrp.globals.garp);
  const vrrp: VrrpConfig = {
    globals: stripUndefined({ ...y.vrrp.globals, garp: globalGarp }) as VrrpConfig['globals'],
    scripts: y.vrrp.scripts.map((s, i) => ({ ...stripUndefined(s), pos: pos(['vrrp', 'scripts', i]) })) as VrrpConfig['scripts'],
    trackFiles: y.vrrp.trackFiles.map((t, i) => ({ ...t, pos: pos(['vrrp', 'trackFiles', i]) })),
    instances: y.vrrp.instances.map((inst, i) => {
      const base: Path = ['vrrp', 'instances', i];
      const fam = inst.family ?? inst.virtualAddresses[0]!.family;
      return {
        ...stripUndefined(inst),
        family: fam,
        virtualAddresses: inst.virtualAddresses.map((v, j) => ({ ...v, pos: pos([...base, 'virtualAddresses', j]) })),
        virtualAddressesExcluded: inst.virtualAddressesExcluded.map((v, j) => ({ ...v, pos: pos([...base, 'virtualAddressesExcluded', j]) })),
        trackScripts: inst.trackScripts.map(stripUndefined),
        trackInterfaces: inst.trackInterfaces.map(stripUndefined),
        trackFiles: inst.trackFiles.map(stripUndefined),
        garp: mergeGarp(globalGarp, inst.garp ?? {}),
        pos: pos(base),
      };
    }) as VrrpConfig['instances'],
    syncGroups: y.vrrp.syncGroups.map((g, i) => ({ ...g, notify: stripUndefined(g.notify), pos: pos(['vrrp', 'syncGroups', i]) })),
  };

  return {
    global: stripUndefined(y.global) as HalbConfig['global'],
    frontends,
    backends,
    resolvers,
    stats,
    vrrp,
  };
}

function mergeGarp(base: GarpSettings, over: Partial<Record<keyof GarpSettings, number | undefined>>): GarpSettings {
  const out: Record<string, number> = { ...(base as unknown as Record<string, number>) };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = v;
  return out as unknown as GarpSettings;
}

/** Optional keys absent rather than present-and-undefined, so models compare equal across formats. */
function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
