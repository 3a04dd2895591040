// One entry point for every config source: halb.yaml, haproxy.cfg (load-balancer half),
// keepalived.conf (VRRP half). Combines them, validates the whole, and returns a deep-frozen
// model only when there is no error (a malformed config never starts a half-configured
// daemon). File access goes through opts.readFile; the default is the bounded reader of
// read-file.ts (regular files only, size limits of limits.ts).
import { readConfigFile } from './read-file.js';
import type { ConfigFileReader } from './limits.js';
import { Diagnostics, type Diagnostic } from './diagnostics.js';
import { freezeConfig, type HalbConfig } from './model.js';
import { emptyVrrpConfig, type VrrpConfig } from './model-vrrp.js';
import { loadHaproxy, type LbConfig } from './haproxy/load.js';
import { loadYaml } from './yaml/load.js';
import { loadKeepalived } from './keepalived/load.js';
import { validateLb } from './validate.js';
import type { Locator } from './locate.js';

export interface ConfigSources {
  /** Path of a halb.yaml. */
  readonly yaml?: string;
  /** Path of a haproxy.cfg. */
  readonly haproxy?: string;
  /** Path of a keepalived.conf. */
  readonly keepalived?: string;
}

export interface LoadConfigOptions {
  /** Reads a file the configuration names; `kind` selects its size limit. */
  readFile?: ConfigFileReader;
  /** Environment for "${VAR}" in haproxy.cfg; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface LoadConfigResult {
  readonly config?: HalbConfig;
  readonly diagnostics: Diagnostic[];
}

export function loadConfig(sources: ConfigSources, opts: LoadConfigOptions = {}): LoadConfigResult {
  const readFile = opts.readFile ?? readConfigFile;
  const diags = new Diagnostics();
  if (!sources.yaml && !sources.haproxy && !sources.keepalived) {
    diags.error('(command line)', 0, 'no configuration given: pass a halb.yaml, a haproxy.cfg and/or a keepalived.conf');
    return { diagnostics: diags.items };
  }
  const read = (path: string): string | undefined => {
    try {
      return readFile(path);
    } catch (e) {
      diags.error(path, 0, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };

  let lb: LbConfig | undefined;
  let lbLocate: Locator | undefined;
  let vrrp: VrrpConfig | undefined;
  let ok = true;

  if (sources.yaml) {
    const text = read(sources.yaml);
    if (text === undefined) ok = false;
    else {
      const r = loadYaml(sources.yaml, text, diags, { readFile });
      if (!r.config) ok = false;
      else {
        if (r.declares.lb) {
          const { vrrp: _v, ...rest } = r.config;
          lb = { ...rest, frontends: [...rest.frontends], backends: [...rest.backends], resolvers: [...rest.resolvers], stats: [...rest.stats] };
          lbLocate = r.locate;
        }
        if (r.declares.vrrp) vrrp = r.config.vrrp;
      }
      if (r.declares.lb && sources.haproxy) {
        diags.error(sources.yaml, 1, 'both halb.yaml and haproxy.cfg define the load balancer; give only one of them', { directive: 'frontends' });
        ok = false;
      }
      if (r.declares.vrrp && sources.keepalived) {
        diags.error(sources.yaml, 1, 'both halb.yaml and keepalived.conf define VRRP; give only one of them', { directive: 'vrrp' });
        ok = false;
      }
    }
  }
  if (sources.haproxy) {
    const text = read(sources.haproxy);
    if (text === undefined) ok = false;
    else {
      const r = loadHaproxy(sources.haproxy, text, diags, { readFile, env: opts.env ?? process.env });
      lb = r.lb;
      lbLocate = r.locate;
    }
  }
  if (sources.keepalived) {
    const k = loadKeepalived(sources.keepalived, diags, { readFile });
    if (!k) ok = false;
    else vrrp = k;
  }
  if (lb && lbLocate) validateLb(lb, diags, lbLocate);

  const config: HalbConfig = {
    global: lb?.global ?? {},
    frontends: lb?.frontends ?? [],
    backends: lb?.backends ?? [],
    resolvers: lb?.resolvers ?? [],
    stats: lb?.stats ?? [],
    vrrp: vrrp ?? emptyVrrpConfig(),
  };
  const file = sources.yaml ?? sources.haproxy ?? sources.keepalived!;
  const listeners = [...config.frontends, ...config.stats].reduce((n, x) => n + x.binds.length, 0);
  if (ok && config.frontends.length === 0 && config.backends.length === 0 && config.stats.length === 0 && config.vrrp.instances.length === 0) {
    diags.error(file, 1, 'nothing to run: no frontend, no backend, no stats page and no VRRP instance');
  } else if (ok && listeners === 0 && config.vrrp.instances.length === 0) {
    // HAProxy refuses to start here ("no listener"); halb would only run health checks.
    diags.warning(file, 1, 'no bind in any frontend or stats page and no VRRP instance: halb will accept no connection');
  }
  sortByPosition(diags.items);
  if (!ok || diags.hasErrors) return { diagnostics: diags.items };
  return { config: freezeConfig(config), diagnostics: diags.items };
}

/** Files in the order they were first reported, then line and column. */
function sortByPosition(items: Diagnostic[]): void {
  const fileOrder = new Map<string, number>();
  for (const d of items) if (!fileOrder.has(d.file)) fileOrder.set(d.file, fileOrder.size);
  items.sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line || (a.col ?? 0) - (b.col ?? 0));
}
