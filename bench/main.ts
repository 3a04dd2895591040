// `npm run bench`: the load-balancer table (issue 2), then the VRRP failover table (issue 3) when
// bench/failover.ts exists. Knobs: HALB_BENCH_QUICK=1 (short smoke run), HALB_BENCH_ONLY=lb|failover,
// and for working on one row: HALB_BENCH_MEASURES=http,tcp,bulk,idle,failover,overload and
// HALB_BENCH_CONTENDERS=direct,haproxy,halb (comma lists; default all).
import { runOptionalFailover } from './optional-failover.js';
import { runLbBench, ALL_MEASURES, type Measure } from './lb/run.js';
import type { ContenderName } from './lb/contenders.js';

const quick = process.env.HALB_BENCH_QUICK === '1';
const only = process.env.HALB_BENCH_ONLY;
if (only !== undefined && only !== 'lb' && only !== 'failover') {
  process.stderr.write(`HALB_BENCH_ONLY must be 'lb' or 'failover', not '${only}'\n`);
  process.exit(2);
}

async function lb(): Promise<void> {
  const started = Date.now();
  const list = (v: string | undefined): string[] | undefined =>
    v
      ? v
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : undefined;
  const measures = list(process.env.HALB_BENCH_MEASURES);
  const bad = measures?.filter((m) => !(ALL_MEASURES as string[]).includes(m));
  if (bad?.length) throw new Error(`HALB_BENCH_MEASURES: unknown ${bad.join(', ')} (known: ${ALL_MEASURES.join(', ')})`);
  const contenders = list(process.env.HALB_BENCH_CONTENDERS);
  const r = await runLbBench({
    quick,
    ...(measures ? { measures: measures as Measure[] } : {}),
    ...(contenders ? { contenders: contenders as ContenderName[] } : {}),
  });
  const out = process.stdout;
  out.write(`\nhalb load-balancer bench${quick ? ' (HALB_BENCH_QUICK=1: short smoke run, not for comparison)' : ''} — ${new Date().toISOString()}\n\n`);
  out.write(r.table + '\n\n');
  for (const n of r.notes) out.write(`- ${n}\n`);
  out.write(`- took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** bench/failover.ts belongs to the VRRP lab; it may not exist yet on this branch. */
async function failover(): Promise<void> {
  await runOptionalFailover(new URL('./failover.js', import.meta.url), {
    quick,
    out: (t) => process.stdout.write(t),
    log: (l) => process.stderr.write(`[failover] ${l}\n`),
  });
}

try {
  if (only !== 'failover') await lb();
  if (only !== 'lb') await failover();
} catch (e) {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
