// What only the node knows: does this config fit the host it is about to run on? Interfaces
// exist, bind addresses are local (or may be bound anyway), scripts exist and are executable,
// and the process holds the capabilities each feature needs. Pure: the facts are gathered by
// an adapter (src/daemon/node-facts.ts) and passed in, so every rule is tested without /proc.
//
// `halb run` runs these before any service starts (a half-started daemon holding a VIP without
// a proxy is worse than no daemon); `halb check` runs them unless --offline.
import ipaddr from 'ipaddr.js';
import { splitCommandLine } from './keepalived/command-line.js';
import type { Diagnostic, Severity } from './diagnostics.js';
import type { Bind, HalbConfig, SourcePos } from './model.js';
import type { VrrpInstance } from './model-vrrp.js';

/** Linux capability numbers (include/uapi/linux/capability.h). */
export const CAPABILITIES = { CAP_NET_BIND_SERVICE: 10, CAP_NET_ADMIN: 12, CAP_NET_RAW: 13 } as const;
export type Capability = keyof typeof CAPABILITIES;

export type FileStatus = 'ok' | 'missing' | 'not-executable';

export interface NodeFacts {
  /** Effective capability mask (CapEff in /proc/self/status). */
  readonly capEff: bigint;
  readonly uid: number;
  /** net.ipv4.ip_unprivileged_port_start (1024 unless changed; it covers IPv6 too). */
  readonly unprivilegedPortStart: number;
  /** Names in /sys/class/net. */
  readonly interfaces: ReadonlySet<string>;
  /** Addresses configured on this node's interfaces. */
  readonly localAddresses: ReadonlySet<string>;
  /** net.ipv4.ip_nonlocal_bind / net.ipv6.ip_nonlocal_bind. */
  readonly nonlocalBind: { readonly v4: boolean; readonly v6: boolean };
  /** Whether the VIP state directory can be written (or created), with the reason when not. */
  readonly runDir: { readonly path: string; readonly writable: boolean; readonly reason?: string };
  /** A program as a script's first word resolves to (absolute, or through PATH). */
  readonly program: (name: string) => FileStatus;
  /** TCP sockets listening now (/proc/net/tcp, tcp6), addresses normalised. */
  readonly listeners?: readonly Listener[];
}

export interface Listener {
  readonly address: string;
  readonly port: number;
}

export interface NodeCheckOptions {
  /**
   * `halb check` may run as another user than the daemon (CI, a colleague's shell): missing
   * privileges are warnings there and errors at `halb run`.
   */
  readonly privilegeSeverity: Severity;
  /**
   * Warn about binds whose port another process listens on now (`halb check`). `halb run` leaves
   * that to the real bind, which fails with the bind's file:line before VRRP starts.
   */
  readonly portsInUse?: boolean;
  /**
   * A track or notify program that is missing or not executable: an error for `halb check`,
   * a warning at `halb run`, which starts as keepalived does on the same file (keepalived
   * disables such a script; halb keeps running it and counts every run as a failure).
   */
  readonly scriptSeverity?: Severity;
}

/** One spelling per address, so '::1' and '0:0::1' compare equal. */
function normalize(address: string): string {
  try {
    return ipaddr.parse(address).toNormalizedString();
  } catch {
    return address;
  }
}

/**
 * Listening sockets from /proc/net/tcp or /proc/net/tcp6: state 0A is LISTEN; addresses are
 * hexadecimal 32-bit words in host byte order (little-endian here), ports big-endian hex.
 */
export function parseProcNetTcp(text: string, family: 4 | 6): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== '0A') continue;
    const [hex, portHex] = f[1]!.split(':');
    if (!hex || !portHex || hex.length !== (family === 4 ? 8 : 32)) continue;
    const bytes: number[] = [];
    for (let w = 0; w < hex.length; w += 8) for (let b = 6; b >= 0; b -= 2) bytes.push(Number.parseInt(hex.slice(w + b, w + b + 2), 16));
    const address = family === 4 ? bytes.join('.') : ipaddr.fromByteArray(bytes).toNormalizedString();
    out.push({ address, port: Number.parseInt(portHex, 16) });
  }
  return out;
}

const WILDCARD4 = '0.0.0.0';
const WILDCARD6 = normalize('::');

/** Would binding `bind` fail because of `l`? Wildcards overlap their family; '::' is dual-stack. */
function overlaps(l: Listener, address: string, port: number): boolean {
  if (l.port !== port) return false;
  const a = normalize(address);
  if (l.address === a || l.address === WILDCARD6 || a === WILDCARD6) return true;
  const v4 = (x: string): boolean => !x.includes(':');
  return (l.address === WILDCARD4 && v4(a)) || (a === WILDCARD4 && v4(l.address));
}

/** Parses the hexadecimal CapEff line of /proc/self/status; 0 when absent. */
export function parseCapEff(status: string): bigint {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

export function hasCap(mask: bigint, cap: Capability): boolean {
  return ((mask >> BigInt(CAPABILITIES[cap])) & 1n) === 1n;
}

type At = (pos: SourcePos | undefined, severity: Severity, message: string, hint?: string) => void;

const GRANT = 'run as root or grant them (systemd: AmbientCapabilities=; a container: --cap-add)';

export function nodeChecks(cfg: HalbConfig, facts: NodeFacts, opts: NodeCheckOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  // No `directive`: the messages name the feature in words that fit every source format.
  const at: At = (pos, severity, message, hint) => {
    out.push({ severity, file: pos?.file ?? '(config)', line: pos?.line ?? 1, ...(pos?.col !== undefined ? { col: pos.col } : {}), message, ...(hint ? { hint } : {}) });
  };
  const missing = (caps: readonly Capability[]): Capability[] => caps.filter((c) => !hasCap(facts.capEff, c));
  const names = (caps: readonly Capability[]): string => caps.join(' and ');
  const priv = opts.privilegeSeverity;

  // ---- VRRP: adverts on a raw socket (CAP_NET_RAW), VIPs and multicast membership (CAP_NET_ADMIN).
  const vips = new Set<string>();
  for (const inst of cfg.vrrp.instances) {
    for (const v of [...inst.virtualAddresses, ...inst.virtualAddressesExcluded]) vips.add(normalize(v.address.split('/')[0]!));
    const need: Capability[] = ['CAP_NET_RAW', 'CAP_NET_ADMIN'];
    const lack = missing(need);
    if (lack.length) {
      at(inst.pos, priv, `VRRP instance ${inst.name} needs ${names(need)} (missing: ${lack.join(', ')}): ${GRANT}`);
    }
    checkInterfaces(inst, facts, at);
  }
  if (cfg.vrrp.instances.length > 0 && !facts.runDir.writable) {
    at(
      cfg.vrrp.instances[0]!.pos,
      priv,
      `VRRP keeps its VIP bookkeeping in ${facts.runDir.path}, which this process cannot write${facts.runDir.reason ? ` (${facts.runDir.reason})` : ''}`,
      'run as root, or pass --run-dir DIR with a directory this user can write',
    );
  }

  // ---- binds: privileged ports, and addresses this node does not have.
  const local = new Set([...facts.localAddresses].map(normalize));
  const binds: { bind: Bind; owner: string }[] = [
    ...cfg.frontends.flatMap((f) => f.binds.map((bind) => ({ bind, owner: `frontend ${f.name}` }))),
    ...cfg.stats.flatMap((s) => s.binds.map((bind) => ({ bind, owner: `stats ${s.name}` }))),
  ];
  for (const { bind, owner } of binds) {
    const addr = normalize(bind.address);
    const shown = `${bind.address.includes(':') ? `[${bind.address}]` : bind.address}:${bind.port}`;
    if (bind.port > 0 && bind.port < facts.unprivilegedPortStart && !hasCap(facts.capEff, 'CAP_NET_BIND_SERVICE')) {
      at(
        bind.pos,
        priv,
        `bind ${shown} (${owner}) needs CAP_NET_BIND_SERVICE: ports below ${facts.unprivilegedPortStart} (net.ipv4.ip_unprivileged_port_start) are privileged`,
        'run as root, grant CAP_NET_BIND_SERVICE, or bind a higher port',
      );
    }
    if (opts.portsInUse && bind.port > 0 && (facts.listeners ?? []).some((l) => overlaps(l, bind.address, bind.port))) {
      at(bind.pos, 'warning', `bind ${shown} (${owner}): another process listens on this port now (a running halb or haproxy?): halb run here would fail with "address already in use"`);
    }
    // Linux answers the whole of 127.0.0.0/8 on lo, though only 127.0.0.1 is listed on it.
    if (addr === WILDCARD4 || addr === WILDCARD6 || bind.address.startsWith('127.') || local.has(addr)) {
      if (vips.has(addr)) {
        const v6 = bind.address.includes(':');
        if (!(v6 ? facts.nonlocalBind.v6 : facts.nonlocalBind.v4)) {
          at(
            bind.pos,
            'warning',
            `bind ${shown} (${owner}) is a VRRP virtual address held by this node now: halb run fails on a node that does not hold it`,
            `set sysctl net.${v6 ? 'ipv6' : 'ipv4'}.ip_nonlocal_bind=1, as HAProxy beside keepalived needs`,
          );
        }
      }
      continue;
    }
    const v6 = bind.address.includes(':');
    if (v6 ? facts.nonlocalBind.v6 : facts.nonlocalBind.v4) continue;
    at(
      bind.pos,
      'error',
      `bind ${shown} (${owner}): ${bind.address} is not an address of this node`,
      vips.has(addr)
        ? `it is a VRRP virtual address: set sysctl net.${v6 ? 'ipv6' : 'ipv4'}.ip_nonlocal_bind=1 so it can be bound before this node becomes master`
        : `use one of this node's addresses, or set sysctl net.${v6 ? 'ipv6' : 'ipv4'}.ip_nonlocal_bind=1`,
    );
  }

  // ---- scripts: the program of each track and notify script must exist and be executable.
  const seen = new Set<string>();
  const program = (cmd: string, pos: SourcePos | undefined, what: string, consequence: string): void => {
    const split = splitCommandLine(cmd);
    if (!split.ok || !split.argv.length) return; // the parser already reported it
    const prog = split.argv[0]!;
    if (prog.startsWith('<')) return; // keepalived's "<file" check reads a file, runs nothing
    const key = `${pos?.file}:${pos?.line}:${prog}`;
    if (seen.has(key)) return;
    seen.add(key);
    const st = facts.program(prog);
    const sev = opts.scriptSeverity ?? 'error';
    const then = sev === 'error' ? '' : `: ${consequence}`;
    if (st === 'missing') at(pos, sev, `${what}: '${prog}' does not exist${prog.includes('/') ? '' : ' in PATH'}${then}`);
    else if (st === 'not-executable') at(pos, sev, `${what}: '${prog}' is not executable${then}`, `chmod +x ${prog}`);
  };
  for (const s of cfg.vrrp.scripts) program(s.script, s.pos, `vrrp_script ${s.name}`, 'each run counts as a failure');
  for (const inst of cfg.vrrp.instances) {
    for (const [kind, cmd] of notifyEntries(inst.notify)) program(cmd, inst.pos, `VRRP instance ${inst.name} notify${kind === 'any' ? '' : `_${kind}`}`, 'that notification is not delivered');
  }
  for (const g of cfg.vrrp.syncGroups) {
    for (const [kind, cmd] of notifyEntries(g.notify)) program(cmd, g.pos, `sync group ${g.name} notify${kind === 'any' ? '' : `_${kind}`}`, 'that notification is not delivered');
  }
  // In file order, like the loader's diagnostics.
  const files = [...new Set(out.map((d) => d.file))];
  return out.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || (a.col ?? 0) - (b.col ?? 0));
}

function checkInterfaces(inst: VrrpInstance, facts: NodeFacts, at: At): void {
  const known = facts.interfaces;
  const list = [...known].sort().join(', ');
  if (!known.has(inst.interface)) {
    at(inst.pos, 'error', `VRRP instance ${inst.name}: interface '${inst.interface}' does not exist on this node`, `interfaces here: ${list}`);
  }
  for (const v of [...inst.virtualAddresses, ...inst.virtualAddressesExcluded]) {
    if (v.dev && !known.has(v.dev))
      at(v.pos ?? inst.pos, 'error', `VRRP instance ${inst.name}: virtual address ${v.address} names interface '${v.dev}', which does not exist on this node`, `interfaces here: ${list}`);
  }
  for (const t of inst.trackInterfaces) {
    // An interface may appear later (a VLAN, a bond created after boot): a warning only.
    if (!known.has(t.name)) at(inst.pos, 'warning', `VRRP instance ${inst.name} tracks interface '${t.name}', which does not exist on this node now`, `interfaces here: ${list}`);
  }
}

function notifyEntries(n: HalbConfig['vrrp']['instances'][number]['notify']): [string, string][] {
  const out: [string, string][] = [];
  for (const kind of ['master', 'backup', 'fault', 'stop', 'any'] as const) {
    const cmd = n[kind];
    if (cmd) out.push([kind, cmd]);
  }
  return out;
}
