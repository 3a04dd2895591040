// Micro-benchmarks of the VRRP receive path (decode + validate) and of a coordinator step with
// 50 instances, the per-advert CPU that decides an idle backup's load (issue 3: 50 instances at
// 0.1 s adverts = 500 adverts/s). Run: npx tsc -p . && node dist/bench/vrrp-core.js
import { pathToFileURL } from 'node:url';
import { DEFAULT_GARP, type VrrpInstance } from '../src/config/model-vrrp.js';
import { encodeAdvert } from '../src/vrrp/packet.js';
import { advertPolicy, ourAdvert, validate } from '../src/vrrp/validate.js';
import { machineConfig } from '../src/vrrp/machine-config.js';
import { coordinatorStep, initialCoordinator } from '../src/vrrp/group.js';

export interface BenchRow {
  readonly name: string;
  readonly usPerOp: number;
}

function inst(name: string, vrid: number): VrrpInstance {
  return {
    name,
    initialState: 'BACKUP',
    interface: 'eth0',
    vrid,
    priority: 100,
    advertInt: 100,
    version: 3,
    family: 4,
    nopreempt: false,
    preemptDelay: 0,
    unicastPeers: [],
    virtualAddresses: [{ address: '10.0.0.100', prefix: 32, family: 4 }],
    virtualAddressesExcluded: [],
    trackScripts: [],
    trackInterfaces: [],
    trackFiles: [],
    notify: {},
    checksumPseudoHeader: true,
    garp: DEFAULT_GARP,
  };
}

function time(n: number, f: (i: number) => void): number {
  for (let i = 0; i < Math.min(1000, n); i++) f(i);
  const t = performance.now();
  for (let i = 0; i < n; i++) f(i);
  return ((performance.now() - t) * 1000) / n;
}

export function runVrrpCoreBench(n = 100_000): BenchRow[] {
  const one = inst('VI_0', 1);
  const policy = advertPolicy(one);
  const payload = encodeAdvert(ourAdvert(policy, 200), { src: '10.0.0.2', dst: '224.0.0.18', pseudoHeader: true });
  const rx = { src: '10.0.0.2', dst: '224.0.0.18', ttl: 255, payload };
  const rows: BenchRow[] = [];
  rows.push({ name: 'encode advert (v3, 1 VIP)', usPerOp: time(n, () => encodeAdvert(ourAdvert(policy, 200), { src: '10.0.0.1', dst: '224.0.0.18', pseudoHeader: true })) });
  rows.push({ name: 'decode + validate (v3, 1 VIP)', usPerOp: time(n, () => validate(rx, policy, '10.0.0.1')) });
  const cfgs = Array.from({ length: 50 }, (_, i) => machineConfig(inst(`VI_${i}`, i + 1), { primaryAddress: '10.0.0.1' }));
  let cs = initialCoordinator(cfgs);
  for (const c of cfgs) cs = coordinatorStep(cs, c.name, { type: 'start' }, 0).state;
  rows.push({
    name: 'coordinator step, advert in BACKUP (50 instances)',
    usPerOp: time(n, (i) => {
      cs = coordinatorStep(cs, `VI_${i % 50}`, { type: 'advert', src: '10.0.0.2', priority: 200, advertInt: 100 }, i).state;
    }),
  });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = runVrrpCoreBench();
  for (const r of rows) console.log(`${r.name.padEnd(52)} ${r.usPerOp.toFixed(2).padStart(8)} µs/op`);
  const perAdvert = rows[1]!.usPerOp + rows[2]!.usPerOp;
  console.log(`pure-core CPU for 500 adverts/s (50 instances at 0.1 s): ${((perAdvert * 500) / 10_000).toFixed(3)} % of a core`);
}
