// keepalived.conf front end: preprocess (include globs, $NAME definitions, comments),
// parse, and map into the VRRP half of the model. Problems go into `diags` with file:line.
// The pipeline is pure over a ConfigSource; only the default source touches the disk.
import { hostname } from 'node:os';
import type { Diagnostics } from '../diagnostics.js';
import type { VrrpConfig } from '../model-vrrp.js';
import { fsSource } from './fs-source.js';
import { isMissingFile } from '../read-file.js';
import { mapKeepalived } from './map.js';
import { parseStatements } from './parse.js';
import { preprocess } from './preprocess.js';
import { type ConfigSource, normalizePath } from './source.js';

export type { ConfigSource } from './source.js';
export { memorySource } from './source.js';

export interface KeepalivedLoadOptions {
  /** Injected for tests; defaults to the bounded reader of config/read-file.ts. */
  readFile?: (path: string) => string;
  /** Directory listing for include globs; defaults to node:fs readdirSync. */
  listDir?: (path: string) => readonly string[] | undefined;
  /** A whole source (takes precedence over readFile/listDir). */
  source?: ConfigSource;
  /** keepalived's config-id for `@id` lines (its `-i`); defaults to the host name's first label. */
  configId?: string;
  /** Working directory for a relative `path`; defaults to process.cwd(). */
  cwd?: string;
}

export function loadKeepalived(path: string, diags: Diagnostics, opts: KeepalivedLoadOptions = {}): VrrpConfig | undefined {
  const source = opts.source ?? sourceFrom(opts);
  const abs = path.startsWith('/') ? normalizePath(path) : normalizePath(`${opts.cwd ?? process.cwd()}/${path}`);
  return parseKeepalived(abs, source, diags, { configId: opts.configId ?? hostname().split('.')[0]! });
}

/** Pure entry point: everything comes from `source`. */
export function parseKeepalived(absPath: string, source: ConfigSource, diags: Diagnostics, opts: { configId?: string } = {}): VrrpConfig | undefined {
  const before = diags.errors().length;
  const lines = preprocess(absPath, source, diags, opts.configId !== undefined ? { configId: opts.configId } : {});
  if (!lines) return undefined;
  const stmts = parseStatements(lines, diags);
  const cfg = mapKeepalived(stmts, diags);
  return diags.errors().length > before ? undefined : cfg;
}

function sourceFrom(opts: KeepalivedLoadOptions): ConfigSource {
  if (!opts.readFile && !opts.listDir) return fsSource;
  const readFile = opts.readFile;
  if (!readFile) return { ...fsSource, listDir: opts.listDir! };
  // An injected reader has no separate existence test: the first read answers it, and its text
  // (or its refusal) is kept for the read that follows, so no file is read twice.
  const probed = new Map<string, { text?: string; error?: unknown }>();
  const attempt = (p: string): { text?: string; error?: unknown } => {
    try {
      return { text: readFile(p) };
    } catch (e) {
      return isMissingFile(e) ? {} : { error: e };
    }
  };
  return {
    readFile: (p) => {
      const r = probed.get(p) ?? attempt(p);
      probed.delete(p);
      if (r.error !== undefined) throw r.error;
      return r.text;
    },
    exists: (p) => {
      const r = probed.get(p) ?? attempt(p);
      probed.set(p, r);
      return r.text !== undefined || r.error !== undefined;
    },
    listDir: opts.listDir ?? fsSource.listDir,
  };
}
