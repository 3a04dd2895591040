// Keyword tables of the keepalived.conf importer, after keepalived's install_keyword() and
// HAProxy's cfg_kw_list: every keyword of a block is one row (name, status, reason, parser).
// The dispatcher walks a block's statements through its table; an unknown keyword is an error
// whose did-you-mean comes from the same table's keys, so adding a keyword is adding a row.

import { didYouMean } from '../diagnostics.js';
import type { MapTools } from './kw-tools.js';
import type { Stmt } from './parse.js';

/** supported: parsed and applied; ignored: accepted without effect (a note);
 * unsupported: changes keepalived's behaviour in a way halb does not reproduce (a warning). */
export type KwStatus = 'supported' | 'ignored' | 'unsupported';

export interface KwRow<C> {
  readonly name: string;
  readonly status: KwStatus;
  /** Message for an ignored/unsupported keyword; defaults to the status's own. */
  readonly reason?: string;
  /** The keyword opens a { } block: exempt from the "takes no { } block" check. */
  readonly block?: boolean;
  readonly parse?: (s: Stmt, ctx: C, t: MapTools) => void;
}

export interface KwTable<C> {
  /** Scope name, as in keepalived.conf(5): 'global_defs', 'vrrp_instance', ... */
  readonly scope: string;
  /** Which statements must not open a block: none (global_defs, sync groups and the top level
   * never checked it), the known ones, or all, unknown ones included (authentication). */
  readonly blockCheck: 'none' | 'known' | 'all';
  readonly rows: readonly KwRow<C>[];
}

const DEFAULT_REASON: Record<Exclude<KwStatus, 'supported'>, string> = {
  ignored: 'accepted; no effect in halb',
  unsupported: 'not supported by halb; ignored',
};

export const supported = <C>(name: string, parse: KwRow<C>['parse'], block?: boolean): KwRow<C> => ({ name, status: 'supported', parse, ...(block ? { block } : {}) });
export const ignored = <C>(names: readonly string[]): KwRow<C>[] => names.map((name) => ({ name, status: 'ignored' }));
export const unsupported = <C>(names: readonly string[], reason?: (name: string) => string, blocks: readonly string[] = []): KwRow<C>[] =>
  names.map((name) => ({ name, status: 'unsupported', ...(reason ? { reason: reason(name) } : {}), ...(blocks.includes(name) ? { block: true } : {}) }));

const indexes = new WeakMap<KwTable<never>, Map<string, KwRow<never>>>();
function indexOf<C>(table: KwTable<C>): Map<string, KwRow<C>> {
  let idx = indexes.get(table as KwTable<never>) as Map<string, KwRow<C>> | undefined;
  if (!idx) {
    idx = new Map();
    for (const r of table.rows) if (!idx.has(r.name)) idx.set(r.name, r);
    indexes.set(table as KwTable<never>, idx as Map<string, KwRow<never>>);
  }
  return idx;
}

/** Runs each statement through its row; `where` names the block in "unknown keyword in ...". */
export function dispatch<C>(table: KwTable<C>, stmts: readonly Stmt[], ctx: C, t: MapTools, where: string): void {
  const idx = indexOf(table);
  for (const s of stmts) {
    const row = idx.get(s.keyword.text);
    if (table.blockCheck === 'all' || (row && table.blockCheck === 'known' && !row.block)) t.noBlock(s);
    if (!row) {
      t.err(s.keyword, `unknown keyword in ${where}`, didYouMean(s.keyword.text, idx.keys()));
      continue;
    }
    t.trace?.(table.scope, row.name);
    if (row.status === 'supported') row.parse?.(s, ctx, t);
    else if (row.status === 'ignored') t.note(s.keyword, row.reason ?? DEFAULT_REASON.ignored);
    else t.warn(s.keyword, row.reason ?? DEFAULT_REASON.unsupported);
  }
}
