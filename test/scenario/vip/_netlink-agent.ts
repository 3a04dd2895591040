// Runs inside a test namespace (`ip netns exec`): drives NetlinkAddresses (the takeover fast
// path) against the real kernel on interface `d0` and prints one JSON line per step, so the test
// can compare each outcome with what `ip -j addr` shows.
import { loadNative } from '../../../src/native/addon.js';
import { NetlinkAddresses, VipNetlinkError, type AddrChange } from '../../../src/vip/netlink.js';

const nl = NetlinkAddresses.from(loadNative());
if (!nl) {
  process.stdout.write(`${JSON.stringify({ step: 'unavailable' })}\n`);
  process.exit(0);
}
const steps: Array<[string, AddrChange, string]> = [
  ['add-v4', { op: 'add', family: 4, address: '198.51.100.7', prefix: 24, label: 'd0:vip' }, 'd0'],
  ['add-v4-again', { op: 'add', family: 4, address: '198.51.100.7', prefix: 24 }, 'd0'],
  ['add-v6', { op: 'add', family: 6, address: 'fd77:1::7', prefix: 64, nodad: true }, 'd0'],
  ['add-missing-dev', { op: 'add', family: 4, address: '198.51.100.8', prefix: 24 }, 'nosuchdev0'],
  ['add-bad-prefix', { op: 'add', family: 4, address: '198.51.100.9', prefix: 40 }, 'd0'],
  ['checkpoint', { op: 'add', family: 4, address: '198.51.100.10', prefix: 32 }, 'd0'],
  ['del-v4', { op: 'del', family: 4, address: '198.51.100.7', prefix: 24 }, 'd0'],
  ['del-v4-again', { op: 'del', family: 4, address: '198.51.100.7', prefix: 24 }, 'd0'],
  ['del-v6', { op: 'del', family: 6, address: 'fd77:1::7', prefix: 64 }, 'd0'],
];
const stdin = process.stdin;
stdin.setEncoding('utf8');
let i = 0;
// One step per line on stdin, so the test can look at the interface between steps.
stdin.on('data', (chunk: string) => {
  for (const _ of chunk.split('\n').filter(Boolean)) {
    const s = steps[i++];
    if (!s) return;
    const [step, change, dev] = s;
    try {
      nl.apply(change, dev);
      process.stdout.write(`${JSON.stringify({ step, ok: true })}\n`);
    } catch (err) {
      const e = err as VipNetlinkError;
      process.stdout.write(`${JSON.stringify({ step, ok: false, isNetlinkError: e instanceof VipNetlinkError, code: e.code, errnoCode: e.errnoCode, message: e.message })}\n`);
    }
  }
});
