// The load-balancer bench (issue 2, "Must show"): the contenders side by side on the same machine,
// taking turns at each measurement, same backends, same haproxy.cfg text, printed as one table with
// halb/haproxy ratios and targets.
//
// Placement (2+ CPUs): the proxy under test is pinned to CPU 0 alone; wrk, the other load clients and
// every backend are pinned to CPU 1. The proxy thus always has one whole core (haproxy runs nbthread 1,
// halb one Node process), and its competitors for that core are the same for both proxies. `direct`
// runs clients and backends on CPU 1 only, so it is the ceiling of the load side, not of the machine.
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Procs, type Placement } from './procs.js';
import { freePorts } from './ports.js';
import { hardNofile } from './proc-stats.js';
import { Rounds } from './rounds.js';
import type { WrkResult } from './wrk.js';
import type { BenchTopology } from './topology.js';
import { makeContenders, type Contender, type ContenderName, type RunningProxy } from './contenders.js';
import { num, renderTable, text, type Cell, type Row } from './table.js';
import { have, pinSelf, settings } from './settings.js';
import { startSharedBackends } from './backends.js';
import { wrkWithCpu } from './measure-wrk.js';
import { bulk } from './measure-bulk.js';
import { idleRss } from './measure-idle.js';
import { serverKill } from './measure-server-kill.js';
import { flood, queueing, QUEUE_DELAY_MS } from './measure-overload.js';
import { slowloris } from './measure-slowloris.js';
import { reloadUnderLoad } from './measure-reload.js';

export type Measure = 'http' | 'tcp' | 'bulk' | 'idle' | 'slowloris' | 'reload' | 'failover' | 'overload';
export const ALL_MEASURES: Measure[] = ['http', 'tcp', 'bulk', 'idle', 'slowloris', 'reload', 'failover', 'overload'];

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
      ? `placement: proxy under test pinned to CPU 0; wrk, load clients and backends pinned to CPU 1 (taskset); ${availableParallelism()} CPUs; load average at start ${loadAverage()}`
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
    idleClosed: `  RSS MB growth left ${s.idleSettleMs / 1000} s after they closed (tcp)`,
    idleHttpMb: `RSS MB with ${s.idleConns.toLocaleString('en-US')} idle http-mode conns`,
    idleHttpClosed: `  RSS MB growth left ${s.idleSettleMs / 1000} s after they closed (http)`,
    slowCalm: `normal clients p99 ms, no attack (${s.probeRate} req/s keep-alive)`,
    slowP50: `normal clients p50 ms beside ${s.slowConns.toLocaleString('en-US')} slowloris conns (median of ${s.slowRounds})`,
    slowP99: '  normal clients p99 ms (median)',
    slowCpu: '  proxy CPU % during the attack (median)',
    reloadErr: `errors, wrk -c${s.wrkConnections} ${s.reloadSeconds}s with ${s.reloadSeconds - 1} reloads`,
    cpuHttp: 'CPU µs per http request',
    cpuTcp: 'CPU µs per tcp-mode request',
    startCpu: 'CPU s from exec to idle (halb: incl. warm-up)',
    foFail: `failed reqs, 1 of 3 servers killed (of ${s.foTotal.toLocaleString('en-US')})`,
    foDown: '  killed server marked DOWN after s',
    foLast: '  last failed request sent, after kill s',
    foFailR: '  same, retries 3 + redispatch: failed',
    foDownR: '  same, retries 3 + redispatch: DOWN after s',
    foLastR: '  same, retries 3 + redispatch: last failure s',
    flServed: `flood beyond maxconn (${(2 * Math.floor(s.floodNofile * 0.6)).toLocaleString('en-US')} idle tcp conns, ulimit ${s.floodNofile.toLocaleString('en-US')}): earlier client served (of 40)`,
    flDown: '  servers marked DOWN (of 3, must be 0)',
    flStats: '  stats page status',
    fqServed: `frontend maxconn 50, 200 concurrent: served`,
    fq503: '  503 / no response (frontend maxconn)',
    fqLast: '  last response s (frontend maxconn)',
    sqServed: `server maxconn 5, 50 concurrent (timeout queue 10s): served`,
    sq503: '  503 / no response (server maxconn)',
    sqLast: '  last response s (server maxconn)',
  };

  const procs = new Procs();
  // Every generated cfg lives under one directory, removed at the end, on error and on a signal.
  const workDir = mkdtempSync(join(tmpdir(), `halb-bench-${process.pid}-`));
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  const onSignal = (): void => {
    procs.killAllNow();
    removeWorkDir();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const onExit = (): void => {
    procs.killAllNow();
    removeWorkDir();
  };
  process.once('exit', onExit);

  // The bench process itself joins the load side, off the proxy's CPU; restored at the end.
  const ownAffinity = pin ? pinSelf(1) : undefined;
  const contenders = makeContenders(procs, workDir).filter((c) => wanted.has(c.name));
  const unavailable = new Map<ContenderName, string>();
  if (!hasHaproxy) unavailable.set('haproxy', 'n/a (haproxy not installed)');

  try {
    const shared = await startSharedBackends(procs, loadAt, hasHaproxy, workDir);
    notes.push(
      `backends: http = ${shared.httpBackend}; bulk = ${shared.bulkPy ? 'python splice/sendfile zero-copy sink/source' : 'node sink/source (python3 splice unavailable: endpoints may cap this row)'}; idle = node accept-and-hold; server-kill = 3 × ${hasHaproxy ? 'haproxy responder' : 'node http server'}, one process each`,
    );

    // All contenders run side by side and take turns per measurement (round-robin, `rounds` times,
    // best kept): other load on the machine then hits haproxy and halb alike instead of whichever
    // happened to run during a noisy minute. Idle proxies cost nothing (haproxy sleeps in epoll).
    const running: Array<{ c: Contender; px: RunningProxy }> = [];
    try {
      if (['http', 'tcp', 'bulk', 'idle', 'slowloris'].some((m) => measures.has(m as Measure))) {
        for (const c of contenders) {
          if (unavailable.has(c.name)) continue;
          progress(`${c.name}: starting`);
          const [pHttp, pTcp, pBulk, pIdle, pIdleHttp, pSlow] = (await freePorts(6)) as [number, number, number, number, number, number];
          const topo: BenchTopology = {
            maxconn: s.idleConns + 50,
            accessLog: true,
            frontends: [
              { name: 'fe_http', mode: 'http', port: pHttp, servers: [{ name: 's1', port: shared.httpPort }] },
              { name: 'fe_tcp', mode: 'tcp', port: pTcp, servers: [{ name: 's1', port: shared.httpPort }] },
              { name: 'fe_bulk', mode: 'tcp', port: pBulk, servers: [{ name: 's1', port: shared.bulkPort }] },
              { name: 'fe_idle', mode: 'tcp', port: pIdle, servers: [{ name: 's1', port: shared.idlePort }] },
              { name: 'fe_idle_http', mode: 'http', port: pIdleHttp, servers: [{ name: 's1', port: shared.httpPort }] },
              // Slowloris target: 408 after 5 s without a complete head, then the attacker reconnects.
              { name: 'fe_slow', mode: 'http', port: pSlow, servers: [{ name: 's1', port: shared.httpPort }], extra: ['timeout http-request 5s'] },
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
          if (started.proxy.startCpuS !== undefined) put(L.startCpu, c.name, num(started.proxy.startCpuS, 2));
        }
      }

      // Idle memory first, on fresh processes: later load runs grow heaps and pools (and a GC
      // during the idle phase would then hide the connections' cost).
      if (measures.has('idle')) {
        for (const { c, px } of running) {
          if (px.pid === undefined) continue;
          const r = await guarded(notes, `${c.name} idle`, () => idleRss(procs, px, shared, s.idleConns, loadAt, 'tcp', s.idleSettleMs));
          if (r) {
            put(L.idleKb, c.name, num(r.kbPerConn, 2));
            put(L.idleMb, c.name, num(r.afterKb / 1024, 1));
            put(L.idleClosed, c.name, num((r.closedKb - r.beforeKb) / 1024, 1));
            notes.push(
              `${c.name} idle tcp: RSS MB before ${(r.beforeKb / 1024).toFixed(1)}, with the conns ${(r.after1sKb / 1024).toFixed(1)} after 1 s and ${(r.afterKb / 1024).toFixed(1)} after 5 s, after close ${(r.closedKb / 1024).toFixed(1)}`,
            );
            if (r.open !== s.idleConns) notes.push(`${c.name}: only ${r.open} of ${s.idleConns} idle connections opened`);
            progress(`${c.name}: idle ${r.kbPerConn.toFixed(2)} KB/conn`);
          }
          const h = await guarded(notes, `${c.name} idle http`, () => idleRss(procs, px, shared, s.idleConns, loadAt, 'http', s.idleSettleMs));
          if (h) {
            put(L.idleHttpMb, c.name, num(h.afterKb / 1024, 1));
            put(L.idleHttpClosed, c.name, num((h.closedKb - h.beforeKb) / 1024, 1));
            notes.push(
              `${c.name} idle http: RSS MB before ${(h.beforeKb / 1024).toFixed(1)}, with the conns ${(h.after1sKb / 1024).toFixed(1)} after 1 s and ${(h.afterKb / 1024).toFixed(1)} after 5 s, after close ${(h.closedKb / 1024).toFixed(1)}`,
            );
            progress(`${c.name}: idle http ${(h.afterKb / 1024).toFixed(1)} MB`);
          }
        }
      }

      if (measures.has('slowloris')) {
        const p50 = new Rounds();
        const p99 = new Rounds();
        const cpu = new Rounds();
        const calm = new Rounds();
        for (let round = 0; round < s.slowRounds; round++) {
          for (const { c, px } of running) {
            if (px.pid === undefined) continue;
            const r = await guarded(notes, `${c.name} slowloris`, () => slowloris(procs, px, s, loadAt));
            if (!r) continue;
            if (r.attacked.p50Ms !== undefined) p50.add(c.name, round, r.attacked.p50Ms);
            if (r.attacked.p99Ms !== undefined) p99.add(c.name, round, r.attacked.p99Ms);
            if (r.cpuPct !== undefined) cpu.add(c.name, round, r.cpuPct);
            if (r.calm.p99Ms !== undefined) calm.add(c.name, round, r.calm.p99Ms);
            const line = `${c.name} slowloris round ${round + 1}: calm p99 ${r.calm.p99Ms?.toFixed(1)} ms; attacked p50 ${r.attacked.p50Ms?.toFixed(1)} p99 ${r.attacked.p99Ms?.toFixed(1)} max ${r.attacked.maxMs?.toFixed(0)} ms, ${r.attacked.ok}/${r.attacked.sent} ok, ${r.attacked.failed} failed; CPU ${r.cpuPct?.toFixed(0)}%; attack: ${r.open} open, ${r.closedByProxy} closed by the proxy (${r.got408} got 408)`;
            notes.push(line);
            progress(line);
          }
        }
        for (const [label, rounds, digits] of [
          [L.slowCalm, calm, 1],
          [L.slowP50, p50, 1],
          [L.slowP99, p99, 1],
          [L.slowCpu, cpu, 0],
        ] as const) {
          for (const [name, v] of rounds.medians()) put(label, name, num(v, digits));
        }
        const paired = p99.pairedNote('slowloris normal-client p99:');
        if (paired) notes.push(paired);
        const pairedCpu = cpu.pairedNote('slowloris CPU:');
        if (pairedCpu) notes.push(pairedCpu);
      }

      for (const [m, fe, rps, p99, cpu, errs] of [
        ['http', 'fe_http', L.httpRps, L.httpP99, L.cpuHttp, L.httpErr],
        ['tcp', 'fe_tcp', L.tcpRps, L.tcpP99, L.cpuTcp, undefined],
      ] as const) {
        if (!measures.has(m) || !hasWrk) continue;
        const best = new Map<ContenderName, { wrk: WrkResult; cpuUsPerReq: number | undefined; loadBusy: number | undefined }>();
        const all = new Rounds();
        for (let round = 0; round < s.rounds; round++) {
          for (const { c, px } of running) {
            const r = await guarded(notes, `${c.name} ${m}`, () => wrkWithCpu(procs, px, fe, s, loadAt, round === 0));
            if (!r) continue;
            progress(`${c.name}: ${m} ${r.wrk.reqPerSec.toFixed(0)} req/s (round ${round + 1}/${s.rounds})`);
            all.add(c.name, round, r.wrk.reqPerSec);
            const prev = best.get(c.name);
            if (!prev || r.wrk.reqPerSec > prev.wrk.reqPerSec) best.set(c.name, r);
          }
        }
        if (s.rounds > 1) notes.push(`${m} req/s per round: ${all.format(0)}`);
        const paired = all.pairedNote(`${m} req/s:`);
        if (paired) notes.push(paired);
        const busy = [...best].filter(([, r]) => r.loadBusy !== undefined).map(([n, r]) => `${n} ${(r.loadBusy! * 100).toFixed(0)}%`);
        if (busy.length) notes.push(`${m}: load CPU (wrk + backend) busy during each best round: ${busy.join(', ')} (near 100%: the load side, not the proxy, set the pace)`);
        for (const [name, r] of best) {
          put(rps, name, num(r.wrk.reqPerSec));
          put(p99, name, r.wrk.p99Ms === undefined ? text('?') : num(r.wrk.p99Ms, 2));
          if (errs) put(errs, name, num(r.wrk.non2xx3xx + Object.values(r.wrk.socketErrors).reduce((a, b) => a + b, 0)));
          if (r.cpuUsPerReq !== undefined) put(cpu, name, num(r.cpuUsPerReq, 1));
        }
      }

      if (measures.has('bulk')) {
        for (const [op, label] of [
          ['U', L.bulkUp],
          ['D', L.bulkDown],
        ] as const) {
          const best = new Map<ContenderName, number>();
          const all = new Rounds();
          for (let round = 0; round < s.rounds; round++) {
            for (const { c, px } of running) {
              const g = await guarded(notes, `${c.name} bulk ${op}`, () => bulk(procs, px.endpoint('fe_bulk').port, op, s.bulkBytes, loadAt, shared.bulkPy));
              if (g === undefined) continue;
              progress(`${c.name}: bulk ${op} ${g.toFixed(2)} Gbit/s (round ${round + 1}/${s.rounds})`);
              all.add(c.name, round, g);
              best.set(c.name, Math.max(g, best.get(c.name) ?? 0));
            }
          }
          if (s.rounds > 1) notes.push(`bulk ${op === 'U' ? 'upload' : 'download'} Gbit/s per round: ${all.format(2)}`);
          const paired = all.pairedNote(`bulk ${op === 'U' ? 'upload' : 'download'}:`);
          if (paired) notes.push(paired);
          for (const [name, g] of best) put(label, name, num(g, 2));
        }
      }
    } finally {
      for (const { px } of running) await px.stop();
    }

    if (measures.has('reload') && hasWrk) {
      for (let round = 0; round < s.slowRounds; round++) {
        for (const c of contenders) {
          if (unavailable.has(c.name) || !c.isProxy) continue;
          const r = await guarded(notes, `${c.name} reload`, () => reloadUnderLoad(procs, c.name, shared.httpPort, s, proxyAt, loadAt, workDir));
          if (!r) continue;
          const prev = cells.get(L.reloadErr)?.[c.name];
          const worst = Math.max(r.errors, prev?.kind === 'num' ? prev.value : 0);
          put(L.reloadErr, c.name, num(worst));
          const line = `${c.name} reload round ${round + 1}: ${r.reloads} reloads sent, ${r.confirmed} confirmed in its log; ${r.detail}`;
          notes.push(line);
          progress(line);
        }
      }
    }

    for (const c of contenders) {
      if (unavailable.has(c.name) || !measures.has('failover') || !c.isProxy) continue;
      for (const redispatch of [false, true]) {
        const r = await guarded(notes, `${c.name} server-kill${redispatch ? ' +redispatch' : ''}`, () => serverKill(procs, c, redispatch, s, proxyAt, loadAt, hasHaproxy, workDir));
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

    for (const c of contenders) {
      if (unavailable.has(c.name) || !measures.has('overload') || !c.isProxy) continue;
      const floodAt = { ...proxyAt, ...(canPrlimit ? { nofile: s.floodNofile } : {}) };
      const f = await guarded(notes, `${c.name} flood`, () => flood(procs, c, s.floodNofile, floodAt, loadAt));
      if (f && !('unavailable' in f)) {
        put(L.flServed, c.name, num(f.served));
        put(L.flDown, c.name, num(f.down));
        put(L.flStats, c.name, text(f.stats));
        notes.push(`${c.name} flood: ${f.opened} of ${f.flood} idle connections completed the TCP handshake${f.opened < f.flood ? " (the rest waited past the client's 10 s connect timeout)" : ''}`);
        progress(`${c.name}: flood: served ${f.served}/${f.asked}, ${f.down} DOWN`);
      } else if (f) notes.push(`${c.name} flood: ${f.unavailable}`);
      for (const [kind, lS, l5, lL] of [
        ['frontend', L.fqServed, L.fq503, L.fqLast],
        ['server', L.sqServed, L.sq503, L.sqLast],
      ] as const) {
        const q = await guarded(notes, `${c.name} ${kind} maxconn`, () => queueing(procs, c, kind, proxyAt, loadAt));
        if (!q || 'unavailable' in q) continue;
        put(lS, c.name, num(q.served));
        put(l5, c.name, text(`${q.s503} / ${q.failed}`));
        put(lL, c.name, num(q.lastS, 2));
        progress(`${c.name}: ${kind} maxconn: ${q.served} served, ${q.s503} 503, ${q.failed} failed, last ${q.lastS.toFixed(2)} s`);
      }
    }
    if (measures.has('overload')) notes.push(`overload: queueing rows use a backend answering after ${QUEUE_DELAY_MS} ms, one fresh connection per request`);
  } finally {
    await procs.stopAll();
    removeWorkDir();
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
    [L.idleMb, true, { cmp: '<=', ratio: 2.5 }],
    [L.idleClosed, false, undefined],
    [L.idleHttpMb, true, { cmp: '<=', ratio: 2.5 }],
    [L.idleHttpClosed, false, undefined],
    [L.slowCalm, true, undefined],
    [L.slowP50, true, undefined],
    [L.slowP99, true, { cmp: '<=', ratio: 2.0 }],
    [L.slowCpu, true, { cmp: '<=', ratio: 1.2 }],
    [L.reloadErr, false, undefined],
    [L.cpuHttp, true, undefined],
    [L.cpuTcp, true, undefined],
    [L.startCpu, true, undefined],
    [L.foFail, false, undefined],
    [L.foDown, false, undefined],
    [L.foLast, false, undefined],
    [L.foFailR, false, undefined],
    [L.foDownR, false, undefined],
    [L.foLastR, false, undefined],
    [L.flServed, false, undefined],
    [L.flDown, false, undefined],
    [L.flStats, false, undefined],
    [L.fqServed, false, undefined],
    [L.fq503, false, undefined],
    [L.fqLast, false, undefined],
    [L.sqServed, false, undefined],
    [L.sq503, false, undefined],
    [L.sqLast, false, undefined],
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
  notes.push(`load average at end ${loadAverage()} (other work on the machine makes numbers noisy: compare rounds above)`);
  return { rows, table: renderTable(rows), notes };
}

/** Every round's value per contender, for the notes (the table keeps the best). */
function loadAverage(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
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
