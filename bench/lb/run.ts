// The load-balancer bench (issue 2, "Must show"): each contender in turn on the same machine, same
// backends, same haproxy.cfg text, printed as one table with halb/haproxy ratios and targets.
//
// Placement (2+ CPUs): the proxy under test is pinned to CPU 0 alone; wrk, the other load clients and
// every backend are pinned to CPU 1. The proxy thus always has one whole core (haproxy runs nbthread 1,
// halb one Node process), and its competitors for that core are the same for both proxies. `direct`
// runs clients and backends on CPU 1 only, so it is the ceiling of the load side, not of the machine.
import { availableParallelism } from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Procs, type Child, type Placement } from './procs.js';
import { freePorts, waitForPort } from './ports.js';
import { cpuSeconds, hardNofile, rssKb } from './proc-stats.js';
import { runWrk, type WrkResult } from './wrk.js';
import { HOST, isDownLine, renderResponderCfg, type BenchTopology } from './topology.js';
import { makeContenders, type Contender, type ContenderName, type RunningProxy } from './contenders.js';
import { num, renderTable, text, type Cell, type Row } from './table.js';

export type Measure = 'http' | 'tcp' | 'bulk' | 'idle' | 'failover';
export const ALL_MEASURES: Measure[] = ['http', 'tcp', 'bulk', 'idle', 'failover'];

export interface LbBenchOptions {
  quick: boolean;
  contenders?: ContenderName[];
  measures?: Measure[];
  /** Progress lines (stderr by default); the table itself is returned. */
  progress?: (line: string) => void;
}

export interface LbBenchResult {
  rows: Row[];
  table: string;
  notes: string[];
}

interface Settings {
  /** Turns each contender takes at every throughput measurement; the best is kept. */
  rounds: number;
  wrkSeconds: number;
  warmupSeconds: number;
  wrkConnections: number;
  bulkBytes: number;
  idleConns: number;
  foRate: number;
  foTotal: number;
  foKillAtMs: number;
}

function settings(quick: boolean, nofileHard: number): Settings {
  // A tcp-mode idle connection costs the proxy two fds (client + server side); we cannot raise our hard
  // RLIMIT_NOFILE without CAP_SYS_RESOURCE, so the count is capped to what both proxies can hold.
  const fdCap = Math.floor((nofileHard - 256) / 2);
  return quick
    ? { rounds: 1, wrkSeconds: 1, warmupSeconds: 0, wrkConnections: 20, bulkBytes: 64 << 20, idleConns: Math.min(500, fdCap), foRate: 300, foTotal: 600, foKillAtMs: 500 }
    : { rounds: 2, wrkSeconds: 5, warmupSeconds: 1, wrkConnections: 50, bulkBytes: 2 * 2 ** 30, idleConns: Math.min(10_000, fdCap), foRate: 2000, foTotal: 12_000, foKillAtMs: 1500 };
}

function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Sets this process's CPU affinity (all threads) and returns the previous CPU list, e.g. "0,1". */
function pinSelf(cpus: number | string): string | undefined {
  try {
    const prev = /: *(\S+)\s*$/.exec(execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' }))?.[1];
    execFileSync('taskset', ['-apc', String(cpus), String(process.pid)], { stdio: 'ignore' });
    return prev;
  } catch {
    return undefined;
  }
}

const TOOLS = (name: string): string => fileURLToPath(new URL(`./tools/${name}.js`, import.meta.url));
/** Not compiled: resolved in the source tree from dist/bench/lb/. */
const BULK_PY = fileURLToPath(new URL('../../../bench/lb/tools/bulk-endpoint.py', import.meta.url));

/** The zero-copy Python endpoints need python3 >= 3.10 (os.splice) on Linux. */
function havePySplice(): boolean {
  if (!existsSync(BULK_PY)) return false;
  try {
    execFileSync('python3', ['-c', 'import os; os.splice; os.memfd_create'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function portOf(line: string): number {
  const p = (JSON.parse(line) as { port?: number }).port;
  if (!p) throw new Error(`no port in ${line}`);
  return p;
}

/** Starts a tool (compiled bench/lb/tools/NAME.js) and waits for its `listening` line. */
async function startTool(procs: Procs, name: string, args: string[], where: Placement): Promise<{ child: Child; port: number }> {
  const child = procs.spawn(name, process.execPath, [TOOLS(name), ...args], where);
  const port = portOf(await child.waitForLine(/"event":"listening"/, 10_000));
  return { child, port };
}

interface Shared {
  httpPort: number;
  httpBackend: string;
  bulkPort: number;
  bulkPy: boolean;
  idlePort: number;
  idleServer: Child;
}

/**
 * An HTTP backend answering 200 "ok" with `x-server: NAME`. haproxy's own `http-request return`
 * answers without any server behind it, in C, so the backend costs far less per request than either
 * proxy and is never what limits a proxied run; a Node server is the fallback without haproxy.
 */
async function startHttpBackend(procs: Procs, name: string, load: Placement, useHaproxy: boolean, cleanup: Array<() => void>): Promise<{ child: Child; port: number }> {
  if (!useHaproxy) return startTool(procs, 'ok-server', [name], load);
  const [port] = (await freePorts(1)) as [number];
  const dir = mkdtempSync(join(tmpdir(), 'halb-bench-responder-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'responder.cfg'), renderResponderCfg(port, 4096, name));
  const child = procs.spawn(`responder-${name}`, 'haproxy', ['-db', '-f', join(dir, 'responder.cfg')], load);
  await waitForPort(port, 10_000, HOST, () => !child.hasExited()).catch((e: Error) => {
    throw new Error(`responder: ${e.message}: ${child.lines.slice(-3).join(' | ')}`);
  });
  return { child, port };
}

async function startSharedBackends(procs: Procs, load: Placement, useHaproxy: boolean, cleanup: Array<() => void>): Promise<Shared> {
  const { port: httpPort } = await startHttpBackend(procs, 's1', load, useHaproxy, cleanup);
  const httpBackend = useHaproxy ? 'haproxy `http-request return` responder (nbthread 1)' : 'node http server';
  // Bulk endpoints: zero-copy (splice/sendfile) when python3 can, so only the proxy copies bytes; a Node
  // sink/source copies as much per byte as the proxy does and, on one CPU, caps every contender alike.
  const bulkPy = havePySplice();
  let bulkPort: number;
  if (bulkPy) {
    const child = procs.spawn('bulk-endpoint', 'python3', [BULK_PY, 'server'], load);
    bulkPort = portOf(await child.waitForLine(/"event": ?"listening"/, 10_000));
  } else {
    ({ port: bulkPort } = await startTool(procs, 'bulk-server', [], load));
  }
  const idle = await startTool(procs, 'idle-server', [], load);
  return { httpPort, httpBackend, bulkPort, bulkPy, idlePort: idle.port, idleServer: idle.child };
}

type Cells = Map<string, Partial<Record<ContenderName, Cell>>>;

export async function runLbBench(opts: LbBenchOptions): Promise<LbBenchResult> {
  const progress = opts.progress ?? ((l: string) => process.stderr.write(`[bench] ${l}\n`));
  const measures = new Set(opts.measures ?? ALL_MEASURES);
  const wanted = new Set(opts.contenders ?? ['direct', 'haproxy', 'halb']);
  const nofile = hardNofile();
  const s = settings(opts.quick, nofile);
  const notes: string[] = [];
  const cells: Cells = new Map();
  const put = (label: string, c: ContenderName, cell: Cell): void => {
    const m = cells.get(label) ?? {};
    m[c] = cell;
    cells.set(label, m);
  };

  const hasHaproxy = have('haproxy');
  const hasWrk = have('wrk');
  const pin = availableParallelism() >= 2 && have('taskset');
  const canPrlimit = have('prlimit');
  const proxyAt: Placement = { cpu: pin ? 0 : undefined, nofile: canPrlimit ? nofile : undefined };
  const loadAt: Placement = { cpu: pin ? 1 : undefined, nofile: canPrlimit ? nofile : undefined };
  notes.push(
    pin
      ? `placement: proxy under test pinned to CPU 0; wrk, load clients and backends pinned to CPU 1 (taskset); ${availableParallelism()} CPUs`
      : 'placement: not pinned (fewer than 2 CPUs or no taskset): numbers are noisier',
  );
  if (!hasWrk) notes.push('wrk not installed: http/tcp request rows skipped');

  const best = s.rounds > 1 ? `, best of ${s.rounds}` : '';
  const L = {
    httpRps: `http keep-alive req/s (wrk -c${s.wrkConnections}, ${s.wrkSeconds}s${best})`,
    httpP99: 'http p99 latency ms',
    httpErr: 'http non-2xx + socket errors',
    tcpRps: `tcp-mode req/s (wrk -c${s.wrkConnections}, ${s.wrkSeconds}s${best})`,
    tcpP99: 'tcp-mode p99 latency ms',
    bulkUp: `bulk upload Gbit/s (tcp, ${(s.bulkBytes / 2 ** 30).toFixed(2)} GiB${best})`,
    bulkDown: `bulk download Gbit/s (tcp, ${(s.bulkBytes / 2 ** 30).toFixed(2)} GiB${best})`,
    idleKb: `RSS KB per idle conn (${s.idleConns.toLocaleString('en-US')} tcp conns)`,
    idleMb: `RSS MB with ${s.idleConns.toLocaleString('en-US')} idle conns`,
    cpuHttp: 'CPU µs per http request',
    cpuTcp: 'CPU µs per tcp-mode request',
    foFail: `failed reqs, 1 of 3 servers killed (of ${s.foTotal.toLocaleString('en-US')})`,
    foDown: '  killed server marked DOWN after s',
    foLast: '  last failed request sent, after kill s',
    foFailR: '  same, retries 3 + redispatch: failed',
    foDownR: '  same, retries 3 + redispatch: DOWN after s',
    foLastR: '  same, retries 3 + redispatch: last failure s',
  };

  const procs = new Procs();
  const cleanup: Array<() => void> = [];
  const onSignal = (): void => {
    procs.killAllNow();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const onExit = (): void => procs.killAllNow();
  process.once('exit', onExit);

  // The bench process itself joins the load side, off the proxy's CPU; restored at the end.
  const ownAffinity = pin ? pinSelf(1) : undefined;
  const contenders = makeContenders(procs).filter((c) => wanted.has(c.name));
  const unavailable = new Map<ContenderName, string>();
  if (!hasHaproxy) unavailable.set('haproxy', 'n/a (haproxy not installed)');

  try {
    const shared = await startSharedBackends(procs, loadAt, hasHaproxy, cleanup);
    notes.push(`backends: http = ${shared.httpBackend}; bulk = ${shared.bulkPy ? 'python splice/sendfile zero-copy sink/source' : 'node sink/source (python3 splice unavailable: endpoints may cap this row)'}; idle = node accept-and-hold; server-kill = 3 × ${hasHaproxy ? 'haproxy responder' : 'node http server'}, one process each`);

    // All contenders run side by side and take turns per measurement (round-robin, `rounds` times,
    // best kept): other load on the machine then hits haproxy and halb alike instead of whichever
    // happened to run during a noisy minute. Idle proxies cost nothing (haproxy sleeps in epoll).
    const running: Array<{ c: Contender; px: RunningProxy }> = [];
    try {
      if (['http', 'tcp', 'bulk', 'idle'].some((m) => measures.has(m as Measure))) {
        for (const c of contenders) {
          if (unavailable.has(c.name)) continue;
          progress(`${c.name}: starting`);
          const [pHttp, pTcp, pBulk, pIdle] = (await freePorts(4)) as [number, number, number, number];
          const topo: BenchTopology = {
            maxconn: s.idleConns + 50,
            accessLog: true,
            frontends: [
              { name: 'fe_http', mode: 'http', port: pHttp, servers: [{ name: 's1', port: shared.httpPort }] },
              { name: 'fe_tcp', mode: 'tcp', port: pTcp, servers: [{ name: 's1', port: shared.httpPort }] },
              { name: 'fe_bulk', mode: 'tcp', port: pBulk, servers: [{ name: 's1', port: shared.bulkPort }] },
              { name: 'fe_idle', mode: 'tcp', port: pIdle, servers: [{ name: 's1', port: shared.idlePort }] },
            ],
          };
          // stdout (the access log) to /dev/null: reading 50k lines/s would load the bench itself.
          const started = await c.start(topo, { ...proxyAt, stdout: 'ignore' });
          if (!started.ok) {
            unavailable.set(c.name, c.name === 'halb' ? 'n/a (halb run not available)' : `n/a (${c.name} did not start)`);
            notes.push(`${c.name}: ${started.reason}`);
            progress(`${c.name}: not available: ${started.reason}`);
            continue;
          }
          running.push({ c, px: started.proxy });
        }
      }

      // Idle memory first, on fresh processes: later load runs grow heaps and pools (and a GC
      // during the idle phase would then hide the connections' cost).
      if (measures.has('idle')) {
        for (const { c, px } of running) {
          if (px.pid === undefined) continue;
          const r = await guarded(notes, `${c.name} idle`, () => idleRss(procs, px, shared, s.idleConns, loadAt));
          if (r) {
            put(L.idleKb, c.name, num(r.kbPerConn, 2));
            put(L.idleMb, c.name, num(r.afterKb / 1024, 1));
            if (r.open !== s.idleConns) notes.push(`${c.name}: only ${r.open} of ${s.idleConns} idle connections opened`);
            progress(`${c.name}: idle ${r.kbPerConn.toFixed(2)} KB/conn`);
          }
        }
      }

      for (const [m, fe, rps, p99, cpu, errs] of [
        ['http', 'fe_http', L.httpRps, L.httpP99, L.cpuHttp, L.httpErr],
        ['tcp', 'fe_tcp', L.tcpRps, L.tcpP99, L.cpuTcp, undefined],
      ] as const) {
        if (!measures.has(m) || !hasWrk) continue;
        const best = new Map<ContenderName, { wrk: WrkResult; cpuUsPerReq: number | undefined }>();
        for (let round = 0; round < s.rounds; round++) {
          for (const { c, px } of running) {
            const r = await guarded(notes, `${c.name} ${m}`, () => wrkWithCpu(procs, px, fe, s, loadAt, round === 0));
            if (!r) continue;
            progress(`${c.name}: ${m} ${r.wrk.reqPerSec.toFixed(0)} req/s (round ${round + 1}/${s.rounds})`);
            const prev = best.get(c.name);
            if (!prev || r.wrk.reqPerSec > prev.wrk.reqPerSec) best.set(c.name, r);
          }
        }
        for (const [name, r] of best) {
          put(rps, name, num(r.wrk.reqPerSec));
          put(p99, name, r.wrk.p99Ms === undefined ? text('?') : num(r.wrk.p99Ms, 2));
          if (errs) put(errs, name, num(r.wrk.non2xx3xx + Object.values(r.wrk.socketErrors).reduce((a, b) => a + b, 0)));
          if (r.cpuUsPerReq !== undefined) put(cpu, name, num(r.cpuUsPerReq, 1));
        }
      }

      if (measures.has('bulk')) {
        for (const [op, label] of [['U', L.bulkUp], ['D', L.bulkDown]] as const) {
          const best = new Map<ContenderName, number>();
          for (let round = 0; round < s.rounds; round++) {
            for (const { c, px } of running) {
              const g = await guarded(notes, `${c.name} bulk ${op}`, () => bulk(procs, px.endpoint('fe_bulk').port, op, s.bulkBytes, loadAt, shared.bulkPy));
              if (g === undefined) continue;
              progress(`${c.name}: bulk ${op} ${g.toFixed(2)} Gbit/s (round ${round + 1}/${s.rounds})`);
              best.set(c.name, Math.max(g, best.get(c.name) ?? 0));
            }
          }
          for (const [name, g] of best) put(label, name, num(g, 2));
        }
      }
    } finally {
      for (const { px } of running) await px.stop();
    }

    for (const c of contenders) {
      if (unavailable.has(c.name) || !measures.has('failover') || !c.isProxy) continue;
      for (const redispatch of [false, true]) {
        const r = await guarded(notes, `${c.name} server-kill${redispatch ? ' +redispatch' : ''}`, () => serverKill(procs, c, redispatch, s, proxyAt, loadAt, hasHaproxy, cleanup));
        if (r === undefined) continue;
        if ('unavailable' in r) {
          notes.push(`${c.name}: ${r.unavailable}`);
          unavailable.set(c.name, c.name === 'halb' ? 'n/a (halb run not available)' : `n/a (${c.name} did not start)`);
          break;
        }
        put(redispatch ? L.foFailR : L.foFail, c.name, num(r.failed));
        put(redispatch ? L.foDownR : L.foDown, c.name, r.downAfterS === undefined ? text(`no DOWN log in ${r.windowS.toFixed(1)}s`) : num(r.downAfterS, 2));
        put(redispatch ? L.foLastR : L.foLast, c.name, r.lastFailureS === undefined ? text('none') : num(r.lastFailureS, 2));
        notes.push(`${c.name} server-kill${redispatch ? ' +redispatch' : ''}: ${r.detail}`);
        if (r.overloaded) notes.push(`${c.name} server-kill${redispatch ? ' +redispatch' : ''}: WARNING: ${r.overloaded}`);
        progress(`${c.name}: server-kill${redispatch ? ' +redispatch' : ''}: ${r.failed} failed, DOWN after ${r.downAfterS ?? '-'} s`);
      }
    }
  } finally {
    await procs.stopAll();
    for (const f of cleanup) f();
    if (ownAffinity) pinSelf(ownAffinity);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  }

  const order: Array<[string, boolean, Row['target']]> = [
    [L.httpRps, true, { cmp: '>=', ratio: 0.8 }],
    [L.httpP99, true, undefined],
    [L.httpErr, false, undefined],
    [L.tcpRps, true, { cmp: '>=', ratio: 1.0 }],
    [L.tcpP99, true, undefined],
    [L.bulkUp, true, { cmp: '>=', ratio: 1.0 }],
    [L.bulkDown, true, { cmp: '>=', ratio: 1.0 }],
    [L.idleKb, true, { cmp: '<=', ratio: 2.0 }],
    [L.idleMb, true, undefined],
    [L.cpuHttp, true, undefined],
    [L.cpuTcp, true, undefined],
    [L.foFail, false, undefined],
    [L.foDown, false, undefined],
    [L.foLast, false, undefined],
    [L.foFailR, false, undefined],
    [L.foDownR, false, undefined],
    [L.foLastR, false, undefined],
  ];
  const rows: Row[] = [];
  for (const [label, ratio, target] of order) {
    const got = cells.get(label);
    if (!got) continue;
    for (const c of contenders) {
      const why = unavailable.get(c.name);
      if (why !== undefined && got[c.name] === undefined) got[c.name] = text(why);
    }
    // Rows without a proxy in them (RSS, CPU, server kill) have no direct value.
    rows.push({ label, cells: got, ratio, ...(target ? { target } : {}) });
  }
  return { rows, table: renderTable(rows), notes };
}

/** Runs `fn`; on error records a note and returns undefined, so one broken measurement keeps the table. */
async function guarded<T>(notes: string[], what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    notes.push(`${what}: error: ${(e as Error).message}`);
    return undefined;
  }
}

async function wrkWithCpu(procs: Procs, px: RunningProxy, fe: string, s: Settings, loadAt: Placement, warmup: boolean): Promise<{ wrk: WrkResult; cpuUsPerReq: number | undefined }> {
  const { port } = px.endpoint(fe);
  const url = `http://${HOST}:${port}/`;
  // Same warm-up for every contender: lets V8 optimise halb's hot path before it is timed.
  if (warmup && s.warmupSeconds > 0) await runWrk(procs, { url, threads: 1, connections: s.wrkConnections, seconds: s.warmupSeconds, where: loadAt });
  const before = px.pid !== undefined ? cpuSeconds(px.pid) : 0;
  const wrk = await runWrk(procs, { url, threads: 1, connections: s.wrkConnections, seconds: s.wrkSeconds, where: loadAt });
  const cpu = px.pid !== undefined ? cpuSeconds(px.pid) - before : undefined;
  return { wrk, cpuUsPerReq: cpu === undefined || wrk.requests === 0 ? undefined : (cpu / wrk.requests) * 1e6 };
}

async function bulk(procs: Procs, port: number, op: 'U' | 'D', bytes: number, loadAt: Placement, py: boolean): Promise<number> {
  const r = py
    ? await procs.run('bulk-client', 'python3', [BULK_PY, 'client', String(port), op, String(bytes)], loadAt, 70_000)
    : await procs.run('bulk-client', process.execPath, [TOOLS('bulk-client'), String(port), op, String(bytes)], loadAt, 70_000);
  const line = r.stdout.split('\n').find((l) => /"event": ?"result"/.test(l));
  if (!line) throw new Error(`bulk-client: ${r.stdout || r.stderr}`.slice(0, 300));
  const { bytes: b, seconds } = JSON.parse(line) as { bytes: number; seconds: number };
  return (b * 8) / seconds / 1e9;
}

async function idleRss(procs: Procs, px: RunningProxy, shared: Shared, n: number, loadAt: Placement): Promise<{ kbPerConn: number; afterKb: number; open: number }> {
  const pid = px.pid!;
  const countIndex = shared.idleServer.lines.length;
  await sleep(1000);
  const before = rssKb(pid);
  const clients = procs.spawn('idle-clients', process.execPath, [TOOLS('idle-clients'), String(px.endpoint('fe_idle').port), String(n)], loadAt);
  try {
    const ready = JSON.parse(await clients.waitForLine(/"event":"ready"/, 40_000)) as { open: number; failed: number };
    if (ready.open === 0) throw new Error('no idle connection could be opened');
    // Wait until the proxy has opened its server side of every connection too.
    const want = ready.open;
    await waitIdleCount(shared.idleServer, (n) => n >= want, 10_000, countIndex);
    await sleep(1000);
    const after = rssKb(pid);
    return { kbPerConn: (after - before) / ready.open, afterKb: after, open: ready.open };
  } finally {
    await clients.kill('SIGTERM');
    // Let the proxy close its server side too before the next measurement starts.
    await waitIdleCount(shared.idleServer, (n) => n === 0, 10_000);
  }
}

/** Resolves when the idle server's latest reported open count satisfies `ok`, or after `timeoutMs`. */
function waitIdleCount(server: Child, ok: (n: number) => boolean, timeoutMs: number, fromIndex = 0): Promise<void> {
  return new Promise<void>((resolve) => {
    let done = false;
    let off = (): void => {};
    const finish = (): void => {
      if (!done) {
        done = true;
        clearTimeout(deadline);
        off();
        resolve();
      }
    };
    const deadline = setTimeout(finish, timeoutMs);
    const check = (l: string): void => {
      if (l.includes('"event":"count"') && ok((JSON.parse(l) as { open: number }).open)) finish();
    };
    const last = server.lines.slice(fromIndex).filter((l) => l.includes('"event":"count"')).pop();
    if (last) check(last);
    if (!done) off = server.onLine(check);
  });
}

interface KillResult {
  failed: number;
  downAfterS: number | undefined;
  lastFailureS: number | undefined;
  windowS: number;
  detail: string;
  /** Set when the run did not keep its schedule (machine overloaded): its numbers are unreliable. */
  overloaded: string | undefined;
}

async function serverKill(procs: Procs, c: Contender, redispatch: boolean, s: Settings, proxyAt: Placement, loadAt: Placement, useHaproxy: boolean, cleanup: Array<() => void>): Promise<KillResult | { unavailable: string }> {
  const servers: Child[] = [];
  const ports: number[] = [];
  for (const name of ['s1', 's2', 's3']) {
    const t = await startHttpBackend(procs, name, loadAt, useHaproxy, cleanup);
    servers.push(t.child);
    ports.push(t.port);
  }
  const [fe] = (await freePorts(1)) as [number];
  const topo: BenchTopology = {
    maxconn: 4096,
    redispatch,
    accessLog: true,
    frontends: [
      {
        name: 'fe_fo',
        mode: 'http',
        port: fe,
        servers: ports.map((p, i) => ({ name: `s${i + 1}`, port: p, opts: 'check inter 1s fall 3 rise 2' })),
      },
    ],
  };
  const started = await c.start(topo, proxyAt);
  if (!started.ok) {
    for (const sv of servers) await sv.kill('SIGKILL');
    return { unavailable: started.reason };
  }
  const px = started.proxy;
  let downAt: number | undefined;
  px.child!.onLine((line) => {
    if (downAt === undefined && isDownLine(line, 'fe_fo_be', 's2')) downAt = Date.now();
  });
  try {
    await sleep(300);
    const victim = servers[1]!;
    const load = procs.spawn(
      'fixed-rate-load',
      process.execPath,
      [TOOLS('fixed-rate-load'), String(fe), String(s.foRate), String(s.foTotal), String(s.foKillAtMs), String(victim.pid)],
      loadAt,
    );
    const killedLine = await load.waitForLine(/"event":"killed"/, s.foKillAtMs + 10_000);
    const killedAt = (JSON.parse(killedLine) as { at: number }).at;
    const resLine = await load.waitForLine(/"event":"result"/, (s.foTotal / s.foRate) * 1000 + 20_000);
    const r = JSON.parse(resLine) as {
      failed: number;
      byKind: Record<string, number>;
      servedBy: Record<string, number>;
      lastFailureAfterKillMs?: number;
      durationMs: number;
      killOffsetMs: number;
      slowOver200ms: number;
      failedBeforeKill: number;
      notSent: number;
      sent: number;
      completed: number;
    };
    // The DOWN mark may come after the load ends (short runs, or redispatch hiding the failures):
    // keep watching the proxy's log up to DOWN_WAIT_MS after the kill.
    const DOWN_WAIT_MS = 8000;
    while (downAt === undefined && Date.now() < killedAt + DOWN_WAIT_MS && !px.child!.hasExited()) await sleep(50);
    const windowS = Math.max(r.durationMs - r.killOffsetMs, Date.now() - killedAt) / 1000;
    const kinds = Object.entries(r.byKind).map(([k, v]) => `${k}=${v}`).join(' ');
    const served = Object.entries(r.servedBy).map(([k, v]) => `${k}=${v}`).join(' ');
    return {
      failed: r.failed,
      downAfterS: downAt === undefined ? undefined : (downAt - killedAt) / 1000,
      lastFailureS: r.lastFailureAfterKillMs === undefined ? undefined : r.lastFailureAfterKillMs / 1000,
      windowS,
      overloaded:
        r.slowOver200ms > r.completed * 0.05 || r.notSent > 0
          ? `${r.slowOver200ms} of ${r.completed} successful responses took over 200 ms${r.notSent ? ` and ${r.notSent} requests could not be sent` : ''}: the machine could not keep up with the request schedule, so this run's numbers are unreliable`
          : undefined,
      detail: `failures ${kinds || 'none'} (${r.failedBeforeKill} before the kill), ${r.notSent} not sent (client saturated), ${r.sent - r.completed} unfinished; served ${served}; ${r.slowOver200ms} ok responses slower than 200 ms; killed s2 at +${(r.killOffsetMs / 1000).toFixed(2)} s`,
    };
  } finally {
    await px.stop();
    for (const sv of servers) await sv.kill('SIGKILL');
  }
}
