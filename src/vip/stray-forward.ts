// Hand-over forwarding with nftables (StrayForwarder, see types.ts). Why: a client whose
// connection to the old master was opened just before our gratuitous ARP sends its next segment
// to us; our kernel knows no such connection and resets it, and the request fails although the
// old master still holds the VIP and would answer. For a short window after such a takeover we
// pass those segments on, unchanged (`dup to` the old master's address, then drop our copy).
// "Unknown" is conntrack's view: a non-SYN segment that starts a flow (`ct state new`, picked up
// mid-stream) belongs to no connection opened here. The rule loads conntrack only while it
// exists; connections opened to us after the takeover are tracked from their SYN, because the
// rule is in place before our VIPs are (the runtime awaits it before AddVips).
// Limits: TCP only (UDP has no reset to avoid); the old master must be on the link (dup sends to
// its MAC); needs the `nft` binary and nf_tables (missing: logged once, takeover as before).
import { spawn } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import type { Logger } from '../log/logger.js';
import type { StrayForwardRequest, StrayForwarder } from './types.js';
import { EVENT } from '../log/events.js';

export const STRAY_TABLE_PREFIX = 'halb_handover_';

/** nft table name for an instance: the name's safe characters plus a short hash (unique). */
export function strayTableName(instance: string): string {
  let h = 2166136261;
  for (let i = 0; i < instance.length; i++) h = Math.imul(h ^ instance.charCodeAt(i), 16777619);
  const safe = instance.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 24);
  return `${STRAY_TABLE_PREFIX}${safe}_${(h >>> 0).toString(16)}`;
}

const quoteIf = (ifname: string): string => `"${ifname.replace(/["\\]/g, '')}"`;

/** The nft script for one request: replaces the instance's table atomically (one transaction). */
export function renderStrayRules(req: StrayForwardRequest): string {
  const fam = req.family === 4 ? 'ip' : 'ip6';
  const table = strayTableName(req.instance);
  const addrs = req.addresses.map((a) => ipaddr.parse(a).toString()).join(', ');
  const peer = ipaddr.parse(req.peer).toString();
  return [
    `table ${fam} ${table}`,
    `delete table ${fam} ${table}`,
    `table ${fam} ${table} {`,
    '  chain prerouting {',
    // After conntrack (-200), so `ct state` is known; before the input path's reset.
    '    type filter hook prerouting priority mangle; policy accept;',
    `    iifname ${quoteIf(req.ifname)} ${fam} daddr { ${addrs} } tcp flags & syn == 0 ct state new dup to ${peer} device ${quoteIf(req.ifname)} drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Whether `peer` is directly on `ifname` (a prefix of one of its addresses, or link-local). */
export function onLink(peer: string, ifaceCidrs: readonly string[]): boolean {
  const p = ipaddr.process(peer);
  if (p.kind() === 'ipv6' && p.range() === 'linkLocal') return true;
  return ifaceCidrs.some((c) => {
    try {
      const [net, bits] = ipaddr.parseCIDR(c);
      return net.kind() === p.kind() && p.match([net, bits] as [typeof p, number]);
    } catch {
      return false;
    }
  });
}

export type NftRunner = (script: string) => Promise<void>;

/** Runs `nft ARGS` with `input` on stdin; resolves with its stdout, rejects on a non-zero exit. */
function nft(args: readonly string[], input?: string, binary = 'nft'): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(binary, [...args], { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`nft ${args.join(' ')} exited ${code}: ${err.trim()}`))));
    if (input !== undefined) c.stdin!.end(input);
  });
}

function execNft(binary = 'nft'): NftRunner {
  return async (script) => void (await nft(['-f', '-'], script, binary));
}

export interface NftStrayForwarderOptions {
  readonly logger: Logger;
  readonly run?: NftRunner;
  /** The interface's addresses as CIDRs (default: os.networkInterfaces()). */
  readonly cidrsOf?: (ifname: string) => readonly string[];
  /** Lists the tables (`nft list tables` output) for cleanup; default runs nft. */
  readonly listTables?: () => Promise<string>;
}

function osCidrs(ifname: string): string[] {
  return (networkInterfaces()[ifname] ?? []).map((a) => a.cidr).filter((c): c is string => c !== null);
}

export class NftStrayForwarder implements StrayForwarder {
  private readonly run: NftRunner;
  /** Installed tables ("ip NAME") and the timer that removes each. */
  private readonly live = new Map<string, NodeJS.Timeout>();
  private unavailable = false;

  constructor(private readonly opts: NftStrayForwarderOptions) {
    this.run = opts.run ?? execNft();
  }

  async forward(req: StrayForwardRequest): Promise<boolean> {
    const log = this.opts.logger;
    if (this.unavailable) return false;
    if (!onLink(req.peer, (this.opts.cidrsOf ?? osCidrs)(req.ifname))) {
      log.info({ event: EVENT.handover_forward_skipped, instance: req.instance, peer: req.peer }, `old master ${req.peer} is not on ${req.ifname}: nothing to forward to`);
      return false;
    }
    const key = `${req.family === 4 ? 'ip' : 'ip6'} ${strayTableName(req.instance)}`;
    try {
      await this.run(renderStrayRules(req));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.unavailable = true;
        log.warn({ event: EVENT.handover_forward_unavailable }, 'nft not found: connections opened to a stopping master just before a takeover may be reset (install nftables)');
      } else log.warn({ event: EVENT.handover_forward_failed, instance: req.instance, err: String(err) }, 'hand-over forwarding rule not installed');
      return false;
    }
    clearTimeout(this.live.get(key));
    const t = setTimeout(() => void this.remove(key), req.durationMs);
    t.unref();
    this.live.set(key, t);
    return true;
  }

  private async remove(key: string): Promise<void> {
    clearTimeout(this.live.get(key));
    this.live.delete(key);
    try {
      await this.run(`delete table ${key}\n`);
    } catch (err) {
      this.opts.logger.warn({ event: EVENT.handover_forward_failed, table: key, err: String(err) }, 'hand-over forwarding rule not removed');
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.live.keys()].map((k) => this.remove(k)));
  }

  async cleanupStale(): Promise<void> {
    let out: string;
    try {
      out = await (this.opts.listTables ?? (() => nft(['list', 'tables'])))();
    } catch {
      return; // no nft: nothing can have been left behind by us either
    }
    for (const m of out.matchAll(/^table (ip6?) (\S+)$/gm)) {
      if (m[2]!.startsWith(STRAY_TABLE_PREFIX)) await this.remove(`${m[1]} ${m[2]}`);
    }
  }
}
