// Test helpers: load haproxy.cfg / halb.yaml text with an in-memory file system.
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Diagnostics, formatDiagnostic, type Diagnostic, type Severity } from '../../../src/config/diagnostics.js';
import { loadHaproxy, type LbConfig } from '../../../src/config/haproxy/load.js';
import { loadConfig, type LoadConfigResult } from '../../../src/config/load.js';

/** Repository root (tests run from dist/test/unit/config). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const example = (name: string): string => join(ROOT, 'examples', name);

export function memFs(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const v = files[path];
    if (v === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return v;
  };
}

export function haproxy(text: string, files: Record<string, string> = {}, env: Record<string, string> = {}): { lb: LbConfig; diags: Diagnostic[] } {
  const d = new Diagnostics();
  const r = loadHaproxy('h.cfg', text, d, { readFile: memFs(files), env });
  return { lb: r.lb, diags: d.items };
}

/** Full pipeline (loader + cross checks) on an in-memory haproxy.cfg. */
export function haproxyFull(text: string, files: Record<string, string> = {}, env: Record<string, string> = {}): LoadConfigResult {
  return loadConfig({ haproxy: 'h.cfg' }, { readFile: memFs({ 'h.cfg': text, ...files }), env });
}

export function yamlFull(text: string, files: Record<string, string> = {}): LoadConfigResult {
  return loadConfig({ yaml: 'halb.yaml' }, { readFile: memFs({ 'halb.yaml': text, ...files }) });
}

/** Asserts exactly one diagnostic of that severity matches, at that line and directive. */
export function expectDiag(diags: readonly Diagnostic[], severity: Severity, line: number, directive: string | undefined, message: RegExp): Diagnostic {
  const hits = diags.filter((d) => d.severity === severity && message.test(d.message));
  const all = diags.map(formatDiagnostic).join('\n');
  assert.equal(hits.length, 1, `expected one ${severity} matching ${message}, got ${hits.length}:\n${all}`);
  const d = hits[0]!;
  assert.equal(d.line, line, `line of ${formatDiagnostic(d)}`);
  if (directive !== undefined) assert.equal(d.directive, directive, `directive of ${formatDiagnostic(d)}`);
  return d;
}

export function errors(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags.filter((d) => d.severity === 'error');
}

/** Deep copy without `pos` keys, to compare models from different sources. */
export function stripPos(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripPos);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'pos') out[k] = stripPos(x);
    return out;
  }
  return v;
}

/** A minimal valid frame around backend/frontend lines under test. */
export const BASE_DEFAULTS = `defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
`;
