// Failover bench: client-observed outage of a VIP when the master's host dies (link pulled, daemon
// SIGKILLed) and when its daemon is stopped cleanly (SIGTERM), for VRRPv2 advert 1 s and VRRPv3
// advert 0.1 s, plus the CPU of an idle backup running 50 instances at 0.1 s — for keepalived and
// halb in the same lab with the same keepalived.conf. `runFailoverBench` is called by
// `npm run bench`; `node dist/bench/failover.js [--repeat N] [--software keepalived,halb]
// [--cpu-window S] [--cpu-only]` runs it alone (`--cpu-only`: just the idle-CPU row, `--repeat`
// times per program, for iterating on it).
import { pathToFileURL } from 'node:url';
import { VrrpLab } from '../src/lab/vrrp-lab.js';
import { requireRoot } from '../src/lab/root.js';
import { softwareAvailability } from '../src/lab/software.js';
import { measureCpu } from '../src/lab/cpu.js';
import { sleep } from '../src/lab/wait.js';
import { AdvertWatcher } from '../src/lab/capture.js';
import { SOFTWARE_KINDS, type SoftwareKind, type Availability } from '../src/lab/node-software.js';

export interface FailoverCase {
  readonly id: string;
  readonly label: string;
  readonly event: 'host-death' | 'sigterm';
  readonly version: 2 | 3;
  readonly advertInt: number;
}

export const FAILOVER_CASES: readonly FailoverCase[] = [
  { id: 'death-v2-1s', label: 'host death, advert 1 s (v2)', event: 'host-death', version: 2, advertInt: 1 },
  { id: 'death-v3-100ms', label: 'host death, advert 0.1 s (v3)', event: 'host-death', version: 3, advertInt: 0.1 },
  { id: 'sigterm-v2-1s', label: 'SIGTERM, advert 1 s (v2)', event: 'sigterm', version: 2, advertInt: 1 },
  { id: 'sigterm-v3-100ms', label: 'SIGTERM, advert 0.1 s (v3)', event: 'sigterm', version: 3, advertInt: 0.1 },
];

export interface CaseResult {
  /** Median over the repeats; undefined when the client never recovered or a run failed. */
  readonly outageMs?: number;
  readonly failed?: number;
  readonly runs: readonly { outageMs?: number; failed: number; attempts: number; firstNode?: string }[];
  readonly error?: string;
}

export interface CpuResult {
  readonly percentOfCore?: number;
  readonly windowMs?: number;
  readonly error?: string;
}

export interface SoftwareResult {
  readonly availability: Availability;
  readonly cases: Readonly<Record<string, CaseResult>>;
  readonly cpu?: CpuResult;
}

export interface FailoverBenchResult {
  readonly skipped?: string;
  readonly settings: { readonly intervalMs: number; readonly timeoutMs: number; readonly repeat: number; readonly cpuInstances: number; readonly cpuWindowMs: number };
  readonly software: Partial<Record<SoftwareKind, SoftwareResult>>;
}

export interface FailoverBenchOptions {
  readonly software?: readonly SoftwareKind[];
  readonly repeat?: number;
  readonly cpuWindowMs?: number;
  readonly cpuInstances?: number;
  readonly cases?: readonly FailoverCase[];
  /** How many idle-CPU measurements per program (median reported); default 1. */
  readonly cpuRepeat?: number;
  readonly log?: (line: string) => void;
}

const INTERVAL_MS = 10;
const TIMEOUT_MS = 500;

/** One failover measurement in a fresh lab; every wait is bounded. */
async function runCase(kind: SoftwareKind, c: FailoverCase): Promise<{ outageMs?: number; failed: number; attempts: number; firstNode?: string }> {
  const v = await VrrpLab.create({ software: kind, version: c.version, advertInt: c.advertInt });
  try {
    await v.start();
    const masterDown = v.masterDownMs('n2');
    await v.waitHolder('n1', masterDown + 10_000);
    const prober = v.startProber({ intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, maxDurationMs: 60_000 });
    // Half a second of steady answers from the master as the baseline.
    await prober.waitSteady('n1', 50, 10_000);
    if (c.event === 'host-death') {
      // Die right after an advertisement (the worst phase, as a crash can land anywhere in the
      // interval): the outage is then the full master_down_interval, not a random part of it.
      const watcher = await AdvertWatcher.start(v.lab);
      await watcher.next(v.lab.host('n1').v4, c.advertInt * 1000 + 5000);
      await prober.mark('event');
      await v.hostDeath('n1');
      await watcher.stop();
    } else {
      await prober.mark('event');
      await v.node('n1').stop();
    }
    await prober.waitSteady('n2', 50, masterDown + 10_000);
    await prober.stop();
    const r = prober.analyze('event');
    return {
      ...(r.outageMs !== undefined ? { outageMs: r.outageMs } : {}),
      failed: r.failedAfterEvent,
      attempts: r.attempts,
      ...(r.firstNodeAfterRecovery ? { firstNode: r.firstNodeAfterRecovery } : {}),
    };
  } finally {
    await v.destroy();
  }
}

/** CPU of the idle backup (n2) while n1 is master of `instances` VRRPv3 instances at 0.1 s. */
async function runCpu(kind: SoftwareKind, instances: number, windowMs: number): Promise<CpuResult> {
  const v = await VrrpLab.create({ software: kind, version: 3, advertInt: 0.1, instances });
  try {
    await v.start();
    await v.waitHolder('n1', 15_000);
    await sleep(2000); // let start-up work settle before the window
    const backup = v.node('n2');
    if (!backup.running) throw new Error('backup not running');
    const s = await measureCpu(() => backup.pids(), windowMs);
    if (!backup.running) throw new Error('backup exited during the measurement');
    return { percentOfCore: s.percentOfCore, windowMs: s.windowMs };
  } finally {
    await v.destroy();
  }
}

function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function runFailoverBench(opts: FailoverBenchOptions = {}): Promise<FailoverBenchResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const repeat = Math.max(1, opts.repeat ?? 1);
  const cpuWindowMs = opts.cpuWindowMs ?? 10_000;
  const cpuInstances = opts.cpuInstances ?? 50;
  const settings = { intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, repeat, cpuInstances, cpuWindowMs };
  const skipped = await requireRoot();
  const kinds = opts.software ?? SOFTWARE_KINDS;
  const software: Partial<Record<SoftwareKind, SoftwareResult>> = {};
  for (const kind of kinds) {
    const availability = skipped ? { available: false, detail: skipped } : await softwareAvailability(kind);
    if (!availability.available) {
      log(`failover bench: ${kind} n/a: ${availability.detail}`);
      software[kind] = { availability, cases: {} };
      continue;
    }
    const cases: Record<string, CaseResult> = {};
    for (const c of opts.cases ?? FAILOVER_CASES) {
      const runs: { outageMs?: number; failed: number; attempts: number; firstNode?: string }[] = [];
      let error: string | undefined;
      for (let i = 0; i < repeat && !error; i++) {
        try {
          const r = await runCase(kind, c);
          runs.push(r);
          log(`failover bench: ${kind} ${c.id} #${i + 1}: outage ${r.outageMs ?? 'never recovered'} ms, ${r.failed} failed of ${r.attempts}`);
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
          log(`failover bench: ${kind} ${c.id} #${i + 1} failed: ${error}`);
        }
      }
      const outages = runs.map((r) => r.outageMs).filter((x): x is number => x !== undefined);
      const o = outages.length === runs.length ? median(outages) : undefined;
      const f = median(runs.map((r) => r.failed));
      cases[c.id] = { runs, ...(o !== undefined ? { outageMs: o } : {}), ...(f !== undefined ? { failed: f } : {}), ...(error ? { error } : {}) };
    }
    let cpu: CpuResult = { error: 'not run' };
    const cpuRuns: CpuResult[] = [];
    for (let i = 0; i < Math.max(1, opts.cpuRepeat ?? 1); i++) {
      try {
        const r = await runCpu(kind, cpuInstances, cpuWindowMs);
        cpuRuns.push(r);
        log(`failover bench: ${kind} idle backup CPU with ${cpuInstances} instances #${i + 1}: ${r.percentOfCore!.toFixed(2)} % of a core`);
      } catch (e) {
        cpu = { error: e instanceof Error ? e.message : String(e) };
        log(`failover bench: ${kind} CPU measurement failed: ${cpu.error}`);
        break;
      }
    }
    if (cpuRuns.length > 0) {
      const m = median(cpuRuns.map((r) => r.percentOfCore!))!;
      cpu = { percentOfCore: m, windowMs: cpuRuns[0]!.windowMs };
    }
    software[kind] = { availability, cases, cpu };
  }
  return { ...(skipped ? { skipped } : {}), settings, software };
}

function fmtCase(r: CaseResult | undefined): string {
  if (!r) return '';
  if (r.error && r.runs.length === 0) return `error: ${r.error.slice(0, 40)}`;
  const o = r.outageMs === undefined ? 'no recovery' : r.outageMs >= 1000 ? `${(r.outageMs / 1000).toFixed(2)} s` : `${Math.round(r.outageMs)} ms`;
  return `${o}, ${r.failed ?? '?'} failed`;
}

function cell(s: SoftwareResult | undefined, get: (s: SoftwareResult) => string): string {
  if (!s) return 'not run';
  const d = s.availability.detail;
  if (!s.availability.available) return /VRRP runtime not built|no --keepalived/.test(d) ? 'n/a (not built yet)' : /need root/.test(d) ? 'n/a (needs root)' : `n/a (${d.slice(0, 40)})`;
  return get(s);
}

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || b === 0) return 'n/a';
  return `${(a / b).toFixed(2)}×`;
}

/** The table `npm run bench` prints. */
export function formatFailoverTable(r: FailoverBenchResult): string {
  const k = r.software.keepalived;
  const h = r.software.halb;
  const kName = k?.availability.available ? k.availability.detail : 'keepalived';
  const rows: string[][] = [['scenario', kName, 'halb', 'halb / keepalived (outage)']];
  for (const c of FAILOVER_CASES) {
    const kc = k?.cases[c.id];
    const hc = h?.cases[c.id];
    if (!kc && !hc && k?.availability.available) continue;
    rows.push([c.label, cell(k, () => fmtCase(kc)), cell(h, () => fmtCase(hc)), ratio(hc?.outageMs, kc?.outageMs)]);
  }
  const cpuCell = (s: SoftwareResult) => (s.cpu?.percentOfCore !== undefined ? `${s.cpu.percentOfCore.toFixed(2)} % of a core` : `error: ${s.cpu?.error?.slice(0, 40) ?? '?'}`);
  rows.push([`idle backup CPU, ${r.settings.cpuInstances} instances @ 0.1 s`, cell(k, cpuCell), cell(h, cpuCell), ratio(h?.cpu?.percentOfCore, k?.cpu?.percentOfCore)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const head = [
    `Failover (lab: 2 nodes, priorities 150/100, same keepalived.conf for both programs; client requests the VIP every ${r.settings.intervalMs} ms,`,
    `fresh TCP connection each, ${r.settings.timeoutMs} ms timeout; outage = first failed request after the event → first answer after it;`,
    `host death happens right after the master's advert (worst phase); failed = failed requests; ${r.settings.repeat > 1 ? `median of ${r.settings.repeat} runs` : '1 run each'}; CPU = utime+stime of the backup's processes over ${r.settings.cpuWindowMs / 1000} s,`,
    `resolution one clock tick = ${(1000 / r.settings.cpuWindowMs).toFixed(2)} % of a core at 100 ticks/s)`,
  ];
  if (r.skipped) head.push(`skipped: ${r.skipped}`);
  return [...head, line(rows[0]!), sep, ...rows.slice(1).map(line)].join('\n');
}

function parseArgs(argv: string[]): FailoverBenchOptions {
  const o: { software?: SoftwareKind[]; repeat?: number; cpuWindowMs?: number; cases?: FailoverCase[]; cpuRepeat?: number } = {};
  let cpuOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--repeat' && v) ((o.repeat = Number(v)), i++);
    else if (a === '--cpu-window' && v) ((o.cpuWindowMs = Number(v) * 1000), i++);
    else if (a === '--cpu-only') cpuOnly = true;
    else if (a === '--software' && v) {
      o.software = v.split(',').map((s) => {
        if (!SOFTWARE_KINDS.includes(s as SoftwareKind)) throw new Error(`unknown software ${s}`);
        return s as SoftwareKind;
      });
      i++;
    } else throw new Error(`usage: failover.js [--repeat N] [--software keepalived,halb] [--cpu-window S] [--cpu-only] (got ${a})`);
  }
  if (cpuOnly) {
    o.cases = [];
    o.cpuRepeat = o.repeat ?? 1;
  }
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opts = parseArgs(process.argv.slice(2));
  const res = await runFailoverBench(opts);
  process.stdout.write(formatFailoverTable(res) + '\n');
}
