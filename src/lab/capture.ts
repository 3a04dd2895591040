// Packet captures during a scenario: tcpdump on the lab's bridge writes every VRRP packet
// (IP protocol 112) to a pcap, and tshark checks each one decodes as valid VRRP.
import { readFileSync } from 'node:fs';
import { run } from './run.js';
import type { Lab } from './topology.js';
import type { LabProcess } from './process.js';
import { waitFor } from './wait.js';
import { judgeTsharkFields, TSHARK_FIELDS, type VrrpPcapReport } from './tshark-judge.js';

export { judgeTsharkFields, TSHARK_FIELDS, type VrrpPcapReport, type VrrpPacketInfo } from './tshark-judge.js';

export class Capture {
  private constructor(
    readonly file: string,
    private readonly proc: LabProcess,
  ) {}

  /**
   * Starts tcpdump in `host`'s namespace ('sw' = the switch, on the bridge: the bridge is put in
   * promiscuous mode by tcpdump, so it sees unicast between ports as well as multicast).
   */
  static async start(lab: Lab, opts: { host?: string; iface?: string; name?: string; filter?: string; timeoutMs?: number } = {}): Promise<Capture> {
    const host = opts.host ?? 'sw';
    const iface = opts.iface ?? (host === 'sw' ? 'br0' : 'eth0');
    const file = lab.path(`${opts.name ?? 'vrrp'}.pcap`);
    const log = lab.path(`tcpdump-${opts.name ?? 'vrrp'}.log`);
    // --immediate-mode: no kernel block timeout, so packets are not lost when tcpdump is stopped
    // right after them; -U: write each packet as it arrives; -Z root: keep permission to write
    // into our work dir.
    const argv = ['tcpdump', '-n', '-U', '--immediate-mode', '-Z', 'root', '-i', iface, '-w', file, opts.filter ?? 'ip proto 112 or ip6 proto 112'];
    const proc = lab.spawn(host, argv, { logFile: log });
    await waitFor(
      `tcpdump on ${host}/${iface} to listen`,
      () => {
        if (!proc.running) throw new Error(`tcpdump exited: ${readSafe(log)}`);
        return /listening on/.test(readSafe(log));
      },
      { timeoutMs: opts.timeoutMs ?? 10_000, intervalMs: 25 },
    );
    return new Capture(file, proc);
  }

  /** Stops tcpdump (SIGINT flushes the file) and returns the pcap path. */
  async stop(): Promise<string> {
    if (this.proc.running) {
      this.proc.signal('SIGINT');
      const t = setTimeout(() => this.proc.signal('SIGKILL'), 5000);
      await this.proc.exited;
      clearTimeout(t);
    }
    return this.file;
  }
}

function readSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

async function tsharkAvailable(): Promise<boolean> {
  const r = await run('tshark', ['-v'], { allowFail: true, timeoutMs: 15_000 });
  return r.code === 0;
}

/** Runs tshark over every IP-protocol-112 packet in `file`; `skipped` when tshark is missing. */
export async function checkVrrpPcap(file: string): Promise<VrrpPcapReport> {
  if (!(await tsharkAvailable())) return { skipped: 'tshark not installed; skipping the VRRP decode check', packets: [], invalid: [], byVersion: {} };
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const f of TSHARK_FIELDS) args.push('-e', f);
  // VRRPv3 checksums include the IPv4 pseudo-header, as keepalived sends them by default (RFC 5798 §5.2.8).
  args.push('-o', 'vrrp.v3_checksum_as_in_v2:FALSE', '-Y', 'ip.proto == 112 || ipv6.nxt == 112');
  const r = await run('tshark', args, { timeoutMs: 60_000 });
  return judgeTsharkFields(r.stdout);
}

export interface AdvertSeen {
  readonly src: string;
  readonly version: number;
  readonly vrid: number;
  readonly priority: number;
}

/**
 * Live view of VRRP advertisements on the bridge (tcpdump -l, line-buffered text). Lets a bench
 * act at a known phase of the advert cycle, e.g. kill the master right after it advertised, so a
 * measured outage does not depend on where in the interval the death happened to fall.
 */
export class AdvertWatcher {
  private waiters: { src?: string; resolve: (a: AdvertSeen) => void }[] = [];
  /** Every advertisement seen, with performance.now() when its line arrived (ordering checks). */
  readonly seen: (AdvertSeen & { readonly at: number })[] = [];

  private constructor(private readonly proc: LabProcess) {}

  static async start(lab: Lab, timeoutMs = 10_000): Promise<AdvertWatcher> {
    const log = lab.path('tcpdump-watch.log');
    const proc = lab.spawn('sw', ['tcpdump', '-l', '-n', '--immediate-mode', '-i', 'br0', 'ip proto 112 or ip6 proto 112'], { pipe: true, logFile: log });
    const w = new AdvertWatcher(proc);
    const { createInterface } = await import('node:readline');
    createInterface({ input: proc.child.stdout! }).on('line', (l) => w.onLine(l));
    await waitFor(
      'tcpdump advert watcher to listen',
      () => {
        if (!proc.running) throw new Error(`tcpdump exited: ${readSafe(log)}`);
        return /listening on/.test(readSafe(log));
      },
      { timeoutMs, intervalMs: 25 },
    );
    return w;
  }

  /** "IP 10.77.0.10 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 150, …" */
  static parse(line: string): AdvertSeen | undefined {
    const m = /IP6? ([0-9a-f.:]+) > [0-9a-f.:]+: VRRPv(\d), Advertisement, vrid (\d+), prio (\d+)/.exec(line);
    return m ? { src: m[1]!, version: Number(m[2]), vrid: Number(m[3]), priority: Number(m[4]) } : undefined;
  }

  private onLine(line: string): void {
    const a = AdvertWatcher.parse(line);
    if (!a) return;
    this.seen.push({ ...a, at: performance.now() });
    const ready = this.waiters.filter((w) => w.src === undefined || w.src === a.src);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(a);
  }

  /** The next advertisement (from `src`, if given) seen after this call. */
  next(src: string | undefined, timeoutMs: number): Promise<AdvertSeen> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== entry);
        reject(new Error(`no VRRP advertisement${src ? ` from ${src}` : ''} within ${timeoutMs} ms`));
      }, timeoutMs);
      const entry = { ...(src ? { src } : {}), resolve: (a: AdvertSeen) => (clearTimeout(t), resolve(a)) };
      this.waiters.push(entry);
    });
  }

  async stop(): Promise<void> {
    if (!this.proc.running) return;
    this.proc.signal('SIGTERM');
    await this.proc.exited;
  }
}
