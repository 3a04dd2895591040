// Overload rows (docs/overload.md), each proxy on its own fresh process and config:
//  - flood: clients far beyond what the descriptor limit allows (2 × 0.6 × RLIMIT_NOFILE idle
//    connections to a tcp-mode frontend, two descriptors each in the proxy; no global maxconn,
//    so both proxies derive theirs from the limit) while a
//    keep-alive client connected before the flood keeps sending requests, the stats page is
//    fetched and three checked servers must stay UP;
//  - frontend maxconn 50 with 200 concurrent fresh-connection requests;
//  - server maxconn 5 with 50 concurrent requests and `timeout queue 10s`.
// Backends answer after QUEUE_DELAY_MS so the limits bind. Every client is bounded (count and a
// 15 s timeout per request), loopback only.
import http from 'node:http';
import type { Child, Placement, Procs } from './procs.js';
import type { Contender } from './contenders.js';
import { freePorts } from './ports.js';
import { isDownLine, HOST, type BenchTopology } from './topology.js';
import { TOOLS, sleep, startTool } from './backends.js';

export const QUEUE_DELAY_MS = 50;
const REQ_TIMEOUT_MS = 15_000;

export interface FloodResult {
  flood: number;
  opened: number;
  served: number;
  asked: number;
  down: number;
  stats: string;
}

export interface QueueResult {
  served: number;
  s503: number;
  failed: number;
  lastS: number;
}

function request(port: number, path: string, agent: http.Agent | false): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.get({ host: HOST, port, path, agent, timeout: REQ_TIMEOUT_MS, headers: agent ? {} : { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

async function backends(procs: Procs, n: number, loadAt: Placement, delayMs: number): Promise<{ children: Child[]; ports: number[] }> {
  const children: Child[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = await startTool(procs, 'ok-server', [`s${i + 1}`, String(delayMs)], loadAt);
    children.push(t.child);
    ports.push(t.port);
  }
  return { children, ports };
}

export async function flood(procs: Procs, c: Contender, nofile: number, proxyAt: Placement, loadAt: Placement): Promise<FloodResult | { unavailable: string }> {
  const be = await backends(procs, 3, loadAt, 0);
  const [fe, stats] = (await freePorts(2)) as [number, number];
  const topo: BenchTopology = {
    maxconn: 100_000,
    globalMaxconn: 'unset',
    statsPort: stats,
    frontends: [{ name: 'fe_flood', mode: 'tcp', port: fe, servers: be.ports.map((p, i) => ({ name: `s${i + 1}`, port: p, opts: 'check inter 1s fall 3 rise 2' })) }],
  };
  const started = await c.start(topo, proxyAt);
  if (!started.ok) {
    for (const b of be.children) await b.kill('SIGKILL');
    return { unavailable: started.reason };
  }
  const px = started.proxy;
  const downs = new Set<string>();
  const off = px.child!.onLine((line) => {
    for (const s of ['s1', 's2', 's3']) if (isDownLine(line, 'fe_flood_be', s)) downs.add(s);
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const floods: Child[] = [];
  try {
    await sleep(2500); // every server UP (rise 2 at inter 1s)
    if ((await request(fe, '/', agent)) !== 200) throw new Error('the keep-alive client was not served before the flood');
    const each = Math.floor(nofile * 0.6);
    for (let i = 0; i < 2; i++) floods.push(procs.spawn(`flood-${i}`, process.execPath, [TOOLS('idle-clients'), String(fe), String(each)], loadAt));
    let opened = 0;
    for (const f of floods) opened += (JSON.parse(await f.waitForLine(/"event":"ready"/, 60_000)) as { open: number }).open;
    // 40 requests on the connection made before the flood, over ~4 s (checks run meanwhile).
    let served = 0;
    const asked = 40;
    for (let i = 0; i < asked; i++) {
      if ((await request(fe, '/', agent)) === 200) served++;
      await sleep(100);
    }
    const st = await request(stats, '/stats', false);
    await sleep(3500); // one more fall window (3 × inter) for a DOWN to show
    return { flood: 2 * each, opened, served, asked, down: downs.size, stats: String(st) };
  } finally {
    off();
    agent.destroy();
    for (const f of floods) await f.kill('SIGTERM');
    await px.stop();
    for (const b of be.children) await b.kill('SIGKILL');
  }
}

export async function queueing(procs: Procs, c: Contender, kind: 'frontend' | 'server', proxyAt: Placement, loadAt: Placement): Promise<QueueResult | { unavailable: string }> {
  const be = await backends(procs, 1, loadAt, QUEUE_DELAY_MS);
  const [fe] = (await freePorts(1)) as [number];
  const n = kind === 'frontend' ? 200 : 50;
  const topo: BenchTopology = {
    maxconn: 4096,
    frontends: [
      {
        name: 'fe_q',
        mode: 'http',
        port: fe,
        ...(kind === 'frontend' ? { maxconn: 50 } : { timeoutQueue: '10s' }),
        servers: [{ name: 's1', port: be.ports[0]!, ...(kind === 'server' ? { opts: 'maxconn 5' } : {}) }],
      },
    ],
  };
  const started = await c.start(topo, proxyAt);
  if (!started.ok) {
    for (const b of be.children) await b.kill('SIGKILL');
    return { unavailable: started.reason };
  }
  try {
    const t0 = performance.now();
    let last = 0;
    const results = await Promise.all(Array.from({ length: n }, () => request(fe, '/', false).then((r) => ((last = Math.max(last, performance.now() - t0)), r))));
    return {
      served: results.filter((r) => r === 200).length,
      s503: results.filter((r) => r === 503).length,
      failed: results.filter((r) => typeof r === 'string').length,
      lastS: last / 1000,
    };
  } finally {
    await started.proxy.stop();
    for (const b of be.children) await b.kill('SIGKILL');
  }
}
