// Where the time goes in one host-death failover, as seen on the wire: the lab's bridge is
// captured (VRRP, ARP, the client's TCP to the VIP) while the master's host dies right after an
// advert, and tshark's view is reduced to milestones relative to the dead master's last advert:
// the backup's first advert, its first gratuitous ARP, the client's first SYN sent to the new
// master's MAC, the first SYN-ACK from it. The difference "first advert → GARP" is the part a
// VRRP implementation controls beyond the RFC's Master_Down_Interval.
// `node dist/bench/failover-timeline.js [--software keepalived,halb] [--advert 0.1] [--version 3] [--repeat N]`
import { pathToFileURL } from 'node:url';
import { VrrpLab } from '../src/lab/vrrp-lab.js';
import { exitUnlessRoot, optionReader } from './cli.js';
import { AdvertWatcher, Capture } from '../src/lab/capture.js';
import { run } from '../src/lab/run.js';
import { SOFTWARE_KINDS, type SoftwareKind } from '../src/lab/node-software.js';

export interface Timeline {
  readonly software: SoftwareKind;
  /** ms after the dead master's last advert. */
  readonly firstAdvertN2?: number;
  readonly firstGarpN2?: number;
  readonly firstSynToN2?: number;
  readonly firstSynAckN2?: number;
  /** Client SYNs sent between n2's first advert and its first GARP (lost to the old MAC). */
  readonly outageMs?: number;
}

interface Frame {
  t: number;
  ethSrc: string;
  ethDst: string;
  ipSrc: string;
  proto: string;
  arpSrcIp: string;
  syn: boolean;
  ack: boolean;
  srcPort: string;
}

function parseFrames(text: string): Frame[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [t, ethSrc, ethDst, ipSrc, proto, arpSrcIp, syn, ack, srcPort] = l.split('\t');
      return {
        t: Number(t) * 1000,
        ethSrc: ethSrc ?? '',
        ethDst: ethDst ?? '',
        ipSrc: ipSrc ?? '',
        proto: proto ?? '',
        arpSrcIp: arpSrcIp ?? '',
        syn: syn === '1' || syn === 'True',
        ack: ack === '1' || ack === 'True',
        srcPort: srcPort ?? '',
      };
    });
}

async function once(kind: SoftwareKind, version: 2 | 3, advertInt: number): Promise<Timeline> {
  const v = await VrrpLab.create({ software: kind, version, advertInt });
  try {
    await v.start();
    const masterDown = v.masterDownMs('n2');
    await v.waitHolder('n1', masterDown + 10_000);
    const prober = v.startProber({ intervalMs: 10, timeoutMs: 500, maxDurationMs: 60_000 });
    await prober.waitSteady('n1', 50, 10_000);
    const cap = await Capture.start(v.lab, { name: 'timeline', filter: 'ip proto 112 or arp or tcp port 8080' });
    const watcher = await AdvertWatcher.start(v.lab);
    await watcher.next(v.lab.host('n1').v4, advertInt * 1000 + 5000);
    await prober.mark('event');
    await v.hostDeath('n1');
    await watcher.stop();
    await prober.waitSteady('n2', 50, masterDown + 10_000);
    await prober.stop();
    const file = await cap.stop();
    const r = await run(
      'tshark',
      [
        '-r',
        file,
        '-n',
        '-T',
        'fields',
        '-E',
        'separator=/t',
        '-e',
        'frame.time_epoch',
        '-e',
        'eth.src',
        '-e',
        'eth.dst',
        '-e',
        'ip.src',
        '-e',
        'ip.proto',
        '-e',
        'arp.src.proto_ipv4',
        '-e',
        'tcp.flags.syn',
        '-e',
        'tcp.flags.ack',
        '-e',
        'tcp.srcport',
      ],
      { timeoutMs: 60_000 },
    );
    const frames = parseFrames(r.stdout);
    const n1 = v.lab.host('n1');
    const n2 = v.lab.host('n2');
    const mac = (m: string) => m.toLowerCase();
    const vrrp = frames.filter((f) => f.proto === '112');
    const n1Adverts = vrrp.filter((f) => f.ipSrc === n1.v4);
    const firstN2 = vrrp.find((f) => f.ipSrc === n2.v4);
    const last = firstN2 ? [...n1Adverts].reverse().find((f) => f.t < firstN2.t) : n1Adverts.at(-1);
    const t0 = last?.t ?? 0;
    const after = (f: Frame | undefined) => (f && last ? Math.round((f.t - t0) * 100) / 100 : undefined);
    const garp = frames.find((f) => f.t > t0 && f.arpSrcIp === v.vip && mac(f.ethSrc) === mac(n2.mac));
    const syn = frames.find((f) => f.t > t0 && f.syn && !f.ack && mac(f.ethDst) === mac(n2.mac));
    const synAck = frames.find((f) => f.t > t0 && f.syn && f.ack && mac(f.ethSrc) === mac(n2.mac));
    const o = prober.analyze('event');
    const tl: Timeline = { software: kind };
    return {
      ...tl,
      ...(after(firstN2) !== undefined ? { firstAdvertN2: after(firstN2)! } : {}),
      ...(after(garp) !== undefined ? { firstGarpN2: after(garp)! } : {}),
      ...(after(syn) !== undefined ? { firstSynToN2: after(syn)! } : {}),
      ...(after(synAck) !== undefined ? { firstSynAckN2: after(synAck)! } : {}),
      ...(o.outageMs !== undefined ? { outageMs: o.outageMs } : {}),
    };
  } finally {
    await v.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const opt = optionReader(args);
  await exitUnlessRoot('failover-timeline');
  const kinds = (opt('--software') ?? SOFTWARE_KINDS.join(',')).split(',') as SoftwareKind[];
  const advertInt = Number(opt('--advert') ?? '0.1');
  const version = Number(opt('--version') ?? (advertInt < 1 ? '3' : '2')) as 2 | 3;
  const repeat = Number(opt('--repeat') ?? '1');
  for (let i = 0; i < repeat; i++) {
    for (const k of kinds) {
      const tl = await once(k, version, advertInt);
      process.stdout.write(`${JSON.stringify(tl)}\n`);
    }
  }
}
