// keepalived.conf front end: preprocess (include globs, $NAME definitions, comments),
// parse, and map into the VRRP half of the model. Problems go into `diags` with file:line.
import type { Diagnostics } from '../diagnostics.js';
import type { VrrpConfig } from '../model-vrrp.js';

export interface KeepalivedLoadOptions {
  /** Injected for tests; defaults to node:fs readFileSync in the implementation. */
  readFile?: (path: string) => string;
}

/** Placeholder until the keepalived loader lands: reports an error, never a silent empty config. */
export function loadKeepalived(path: string, diags: Diagnostics, _opts: KeepalivedLoadOptions = {}): VrrpConfig | undefined {
  diags.error(path, 1, 'keepalived.conf support is not built yet');
  return undefined;
}
