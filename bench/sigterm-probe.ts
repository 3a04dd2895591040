// Investigation helper for the SIGTERM hand-over between halb nodes: runs the hand-over N times
// with a capture of the client's TCP, ARP and VRRP, and for every failed request prints what the
// wire shows around it (which MAC the client's segments went to, who answered, any RST).
// `node dist/bench/sigterm-probe.js [--runs N] [--advert 1] [--version 2] [--unicast] [--out DIR]`
import { pathToFileURL } from 'node:url';
import { copyFileSync, mkdirSync } from 'node:fs';
import { VrrpLab } from '../src/lab/vrrp-lab.js';
import { exitUnlessRoot, optionReader } from './cli.js';
import { Capture } from '../src/lab/capture.js';
import { run } from '../src/lab/run.js';

async function once(i: number, version: 2 | 3, advertInt: number, unicast: boolean, outDir: string): Promise<void> {
  const v = await VrrpLab.create({ software: 'halb', version, advertInt, unicast, ...(version === 2 ? { authPass: 'labpass' } : {}) });
  try {
    await v.start();
    const masterDown = v.masterDownMs('n2');
    await v.waitHolder('n1', masterDown + 10_000);
    const prober = v.startProber({ intervalMs: 10, timeoutMs: 500, maxDurationMs: 40_000 });
    await prober.waitSteady('n1', 20, 5000);
    await v.waitArp('n1', 2000);
    const cap = await Capture.start(v.lab, { host: 'c', name: 'sig', filter: 'tcp port 8080 or arp or ip proto 112' });
    await prober.mark('sigterm');
    await v.node('n1').stop();
    await prober.waitSteady('n2', 20, masterDown + 5000);
    await v.waitArp('n2', 2000);
    await prober.stop();
    const file = await cap.stop();
    const r = prober.analyze('sigterm');
    const failed = prober.attempts.filter((a) => !a.ok);
    process.stdout.write(`run ${i}: failedAfterEvent ${r.failedAfterEvent} ${failed.map((a) => JSON.stringify(a)).join(' ')}\n`);
    if (r.failedAfterEvent > 0) {
      mkdirSync(outDir, { recursive: true });
      copyFileSync(file, `${outDir}/fail-${i}.pcap`);
      const macs = v.nodes.map((n) => `${n}=${v.lab.host(n).mac}`).join(' ');
      const t = await run('tshark', ['-r', file, '-n', '-t', 'r'], { timeoutMs: 60_000 });
      process.stdout.write(`  ${macs}; pcap ${outDir}/fail-${i}.pcap (${t.stdout.split('\n').length} lines)\n`);
    }
  } finally {
    await v.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const opt = optionReader(args);
  await exitUnlessRoot('sigterm-probe');
  const runs = Number(opt('--runs') ?? '6');
  const advert = Number(opt('--advert') ?? '1');
  const version = Number(opt('--version') ?? '2') as 2 | 3;
  const outDir = opt('--out') ?? '/tmp/halb-sigterm-probe';
  for (let i = 1; i <= runs; i++) await once(i, version, advert, args.includes('--unicast'), outDir);
}
