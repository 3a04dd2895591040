// Observers: what is visible from outside the node software. Who has the VIP configured
// (`ip addr`), whose MAC the client resolved the VIP to (`ip neigh`), and a full state dump.
import { readFileSync } from 'node:fs';
import { ip, ipJson } from './run.js';
import type { Lab } from './topology.js';

interface IpAddrJson {
  ifname: string;
  operstate?: string;
  address?: string;
  addr_info?: { family: string; local: string; prefixlen: number; label?: string }[];
}

/** Addresses (without prefix) on the host's lab interface. */
async function hostAddresses(lab: Lab, host: string): Promise<string[]> {
  const h = lab.host(host);
  const links = await ipJson<IpAddrJson>(h.ns, ['addr', 'show', 'dev', h.ifname]);
  return (links[0]?.addr_info ?? []).map((a) => a.local);
}

/** Hosts (among `candidates`, default all) that have `vip` configured. */
export async function vipHolders(lab: Lab, vip: string, candidates?: readonly string[]): Promise<string[]> {
  const names = candidates ?? lab.hosts.map((h) => h.name);
  const have = await Promise.all(names.map(async (n) => ((await hostAddresses(lab, n)).includes(vip) ? n : undefined)));
  return have.filter((n): n is string => n !== undefined);
}

export interface NeighEntry {
  readonly mac?: string;
  readonly state: string;
  /** The lab host owning that MAC, if any. */
  readonly host?: string;
}

/** The client's neighbour (ARP/NDP) entry for `addr`. */
export async function neighbour(lab: Lab, client: string, addr: string): Promise<NeighEntry | undefined> {
  const h = lab.host(client);
  const entries = await ipJson<{ dst: string; lladdr?: string; state?: string[] }>(h.ns, ['neigh', 'show', 'to', addr, 'dev', h.ifname]);
  const e = entries.find((x) => x.dst === addr);
  if (!e) return undefined;
  const mac = e.lladdr?.toLowerCase();
  const owner = mac ? lab.hosts.find((x) => x.mac === mac)?.name : undefined;
  return { state: (e.state ?? []).join(','), ...(mac ? { mac } : {}), ...(owner ? { host: owner } : {}) };
}

/** ip addr/neigh/route/link of every namespace, the bridge's forwarding table and every log's tail. */
export async function dumpState(lab: Lab, opts: { logLines?: number; extra?: string } = {}): Promise<string> {
  const out: string[] = [`===== lab ${lab.id} state dump (work dir ${lab.workDir}) =====`];
  const show = async (ns: string, title: string, args: string[]): Promise<void> => {
    const r = await ip(ns, args, { allowFail: true });
    out.push(`--- ${title}: ip ${args.join(' ')}`, (r.stdout + r.stderr).trimEnd());
  };
  for (const h of lab.hosts) {
    await show(h.ns, h.name, ['addr', 'show']);
    await show(h.ns, h.name, ['neigh', 'show']);
    await show(h.ns, h.name, ['-6', 'neigh', 'show']);
    await show(h.ns, h.name, ['route', 'show']);
  }
  await show(lab.switchNs, 'switch', ['link', 'show']);
  const fdb = await ip(undefined, ['netns', 'exec', lab.switchNs, 'bridge', 'fdb', 'show', 'br', 'br0'], { allowFail: true });
  out.push('--- switch: bridge fdb', fdb.stdout.trimEnd());
  for (const p of lab.processes) out.push(`--- process ${p.pid} on ${p.host}: ${p.argv.join(' ')} running=${p.running}`);
  for (const [label, file] of lab.logFiles) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      text = `(unreadable: ${(e as Error).message})`;
    }
    out.push(
      `--- log ${label} (${file}), last ${opts.logLines ?? 40} lines`,
      text
        .split('\n')
        .slice(-(opts.logLines ?? 40))
        .join('\n')
        .trimEnd(),
    );
  }
  if (opts.extra) out.push('--- extra', opts.extra);
  out.push(`===== end of lab ${lab.id} dump =====`);
  return out.join('\n');
}
