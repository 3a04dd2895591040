// Candidate selection shared by all algorithms, matching HAProxy's rules:
//  - a server is usable when up (health), weight > 0 (except for `first`) and below its maxconn;
//  - backups are used only when no active server is up (HAProxy: "backup servers are used only
//    when all other non-backup servers are unavailable"); then all usable backups with
//    `option allbackups`, otherwise only the first usable backup in declaration order;
//  - `keepFull` keeps servers at maxconn as candidates: a deterministic choice (`source`) then
//    names its server even when full, and the request waits in that server's queue (HAProxy);
//  - servers in `exclude` (already tried) are left out when that leaves someone; a redispatch
//    onto the same server only happens when it is the only one left.
import type { BalancedServer, Candidates, PickView } from './types.js';

/** A reusable candidate set (a pick is synchronous, so one scratch set per balancer is enough). */
export class IndexSet implements Candidates {
  readonly list: number[] = [];
  private readonly mark: Uint8Array;
  constructor(n: number) {
    this.mark = new Uint8Array(n);
  }
  clear(): this {
    for (const i of this.list) this.mark[i] = 0;
    this.list.length = 0;
    return this;
  }
  add(i: number): void {
    this.list.push(i);
    this.mark[i] = 1;
  }
  has(i: number): boolean {
    return this.mark[i] === 1;
  }
}

export interface SelectOptions {
  readonly allBackups: boolean;
  readonly exclude?: ReadonlySet<number> | undefined;
  /** Weight 0 servers are skipped unless the algorithm ignores weights (`first`). */
  readonly ignoreWeight?: boolean;
  /** Servers at maxconn stay candidates (the caller queues on the one chosen). */
  readonly keepFull?: boolean;
}

function usable(s: BalancedServer, i: number, view: PickView, ignoreWeight: boolean, keepFull: boolean): boolean {
  if (!view.isUp(i)) return false;
  if (!ignoreWeight && s.weight <= 0) return false;
  if (!keepFull && s.maxconn !== undefined && s.maxconn > 0 && view.conns(i) >= s.maxconn) return false;
  return true;
}

function collect(servers: readonly BalancedServer[], view: PickView, o: SelectOptions, backup: boolean, useExclude: boolean, scratch?: IndexSet): IndexSet {
  const set = scratch ? scratch.clear() : new IndexSet(servers.length);
  const ignoreWeight = o.ignoreWeight ?? false;
  const keepFull = o.keepFull ?? false;
  for (let i = 0; i < servers.length; i++) {
    const s = servers[i]!;
    if (s.backup !== backup) continue;
    if (useExclude && o.exclude?.has(i)) continue;
    if (!usable(s, i, view, ignoreWeight, keepFull)) continue;
    set.add(i);
    if (backup && !o.allBackups) break;
  }
  return set;
}

/** Returns the candidate set, or undefined when no server can take the request (503 / close). */
export function selectCandidates(servers: readonly BalancedServer[], view: PickView, o: SelectOptions, scratch?: IndexSet): Candidates | undefined {
  let anyActiveUp = false;
  for (let i = 0; i < servers.length; i++) {
    if (!servers[i]!.backup && view.isUp(i) && (o.ignoreWeight || servers[i]!.weight > 0)) {
      anyActiveUp = true;
      break;
    }
  }
  const backup = !anyActiveUp;
  if (o.exclude && o.exclude.size > 0) {
    const c = collect(servers, view, o, backup, true, scratch);
    if (c.list.length > 0) return c;
  }
  const c = collect(servers, view, o, backup, false, scratch);
  return c.list.length > 0 ? c : undefined;
}
