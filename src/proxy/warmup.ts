// A warm-up of the data plane at start, off to the side of the real one.
//
// Why: a fresh Node process runs the per-connection path (accept, net.Socket set-up, head
// parsing, server pick, connect or pool, relay hand-off, access line) in V8's interpreter
// until enough calls have been seen to optimise it. Measured: the first ~2 s of a burst of
// 2,000 connections/s cost a cold halb 1.6–1.9 s of CPU (warm: 1.0–1.2 s) and some requests
// waited over 200 ms. That burst typically comes right after a VIP moved to this node, whose
// halb may never have served a request. So at start a private copy of the configured
// frontends (same mode, balancing, forwardfor, timeouts; loopback binds on port 0) is put in
// front of a loopback responder and driven with fresh and keep-alive connections. V8's
// feedback and optimised code belong to the functions, not to the proxy instance, so the real
// proxy meets them warm. Nothing of it shows outside: its own counters, a logger writing to
// nowhere (the access-line encoder still runs), static health, no checks.
//
// Bounded in count and time, yields to real traffic between exchanges (a few exchanges in
// flight), and never fatal: a failure is counted and logged.
import { createServer, connect, type Server as NetServer, type Socket } from 'node:net';
import type { Backend, Frontend, Server } from '../config/model.js';
import { createLogger, type ByteDestination, type Logger } from '../log/logger.js';
import { StaticHealthState } from '../health/static-state.js';
import { createProxy, type ProxyConfig } from './proxy.js';

export interface WarmupOptions {
  /** Fresh connections with one request each, over all warm-up frontends. */
  readonly connections?: number;
  /** Keep-alive requests per http frontend, over `concurrency` connections. */
  readonly keepAliveRequests?: number;
  /** Exchanges in flight at once: small, so real traffic interleaves. */
  readonly concurrency?: number;
  /** No exchange starts, and a keep-alive exchange sends no further request, after this many ms. */
  readonly deadlineMs?: number;
  /**
   * An exchange that gets no answer for this long is destroyed and counted as an error. Slow
   * is not stuck: on a busy machine 250 keep-alive requests can take longer than this in all.
   */
  readonly exchangeTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface WarmupReport {
  readonly frontends: number;
  readonly exchanges: number;
  readonly requests: number;
  readonly errors: number;
  readonly ms: number;
  readonly cut: 'none' | 'deadline' | 'aborted';
  /** Why it stopped early, when something failed outside a single exchange (responder, proxy). */
  readonly failure?: string;
}

export const WARMUP_DEFAULTS = {
  connections: 3000,
  keepAliveRequests: 2000,
  concurrency: 8,
  deadlineMs: 5000,
  exchangeTimeoutMs: 2000,
} as const;

/** At most this many of the configured frontends are copied (one per distinct shape is enough). */
const MAX_FRONTENDS = 6;

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok');

/**
 * The private topology: one copy per distinct (mode, balance, forwardfor, server-close) shape of
 * the configured frontend/backend pairs, each with two servers at the responder.
 */
export function warmupTopology(real: ProxyConfig, responderPort: number): ProxyConfig {
  const byName = new Map(real.backends.map((b) => [b.name, b]));
  const seen = new Set<string>();
  const byMode: Record<string, { f: Frontend; b: Backend; tmpl: Server }[]> = { http: [], tcp: [] };
  for (const f of real.frontends) {
    const b = f.defaultBackend === undefined ? undefined : byName.get(f.defaultBackend);
    const tmpl = b?.servers[0];
    if (!b || !tmpl) continue;
    const shape = JSON.stringify([f.mode, b.mode, b.balance, f.forwardFor ?? b.forwardFor ?? null, f.httpServerClose || b.httpServerClose]);
    if (seen.has(shape)) continue;
    seen.add(shape);
    (byMode[f.mode] ??= []).push({ f, b, tmpl });
  }
  // Modes taken in turn: a cap never leaves one of them cold.
  const picked: { f: Frontend; b: Backend; tmpl: Server }[] = [];
  const lists = Object.values(byMode);
  for (let i = 0; picked.length < MAX_FRONTENDS && lists.some((l) => i < l.length); i++) {
    for (const l of lists) if (i < l.length && picked.length < MAX_FRONTENDS) picked.push(l[i]!);
  }
  const frontends: Frontend[] = [];
  const backends: Backend[] = [];
  for (const { f, b, tmpl } of picked) {
    const name = `warmup-${frontends.length}`;
    // Built field by field: no hostname, check, backup, disabled or maxconn from the template.
    const srv = (n: string): Server => ({
      name: n,
      address: '127.0.0.1',
      port: responderPort,
      weight: tmpl.weight,
      backup: false,
      disabled: false,
      check: false,
      checkSsl: false,
      verify: tmpl.verify,
      inter: tmpl.inter,
      rise: tmpl.rise,
      fall: tmpl.fall,
      initAddr: ['none'],
    });
    backends.push({ ...b, name, servers: [srv('w1'), srv('w2')], errorFiles: {}, pos: undefined });
    frontends.push({
      ...f,
      name,
      defaultBackend: name,
      maxconn: undefined,
      errorFiles: {},
      pos: undefined,
      binds: [{ address: '127.0.0.1', port: 0 }],
      log: { ...f.log, dontlognull: false },
    });
  }
  return { frontends, backends };
}

/** A destination that takes everything and keeps nothing. */
function nowhere(): ByteDestination {
  return { write: () => true, writeBytes: () => {} } as unknown as ByteDestination;
}

/** Answers every request head with a fixed 200; honours `connection: close`. */
function startResponder(): Promise<{ server: NetServer; port: number; conns: Set<Socket> }> {
  const conns = new Set<Socket>();
  const server = createServer((s) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
    s.setNoDelay(true);
    let pending = '';
    s.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      let close = false;
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        if (/\r\nconnection: *close/i.test(pending.slice(0, end))) close = true;
        pending = pending.slice(end + 4);
        s.write(RESPONSE);
      }
      if (close) s.end();
    });
    s.on('error', () => {});
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, conns }));
  });
}

interface ExchangeResult {
  /** Requests answered 200. */
  readonly answered: number;
  /** Every answer was a 200 and the exchange ended without error or silence. */
  readonly ok: boolean;
  /** It stopped early at the deadline (not an error). */
  readonly cut: boolean;
}

/**
 * One connection carrying up to `requests` sequential requests: no further request after `endAt`
 * (performance.now() time), and no answer for `idleMs` is an error.
 */
function exchange(port: number, requests: number, idleMs: number, endAt: number, live: Set<Socket>): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    live.add(s);
    let buf = '';
    let answered = 0;
    let ok = true;
    let cut = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      live.delete(s);
      s.destroy();
      resolve({ answered, ok: ok && (cut || answered === requests), cut });
    };
    const timer = setTimeout(() => {
      ok = false;
      finish();
    }, idleMs);
    const send = (): void => {
      const last = answered === requests - 1;
      s.write(`GET /halb-warmup HTTP/1.1\r\nhost: halb-warmup\r\nuser-agent: halb-warmup\r\n${last ? 'connection: close\r\n' : ''}\r\n`);
    };
    s.setNoDelay(true);
    s.on('connect', send);
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
        if (!Number.isFinite(len)) {
          ok = false;
          return finish();
        }
        if (buf.length < end + 4 + len) return;
        if (head.startsWith('HTTP/1.1 200')) answered++;
        else ok = false;
        buf = buf.slice(end + 4 + len);
        timer.refresh();
        if (!ok || answered >= requests) return void s.end();
        if (performance.now() > endAt) {
          cut = true;
          return finish();
        }
        send();
      }
    });
    s.on('error', () => {
      ok = false;
      finish();
    });
    s.on('close', finish);
  });
}

/**
 * Runs the warm-up for `real` (the configured frontends and backends) and returns what it did.
 * Resolves, never rejects (a failure is in the report); everything it opened is closed when it returns.
 */
export async function warmUp(real: ProxyConfig, opts: WarmupOptions = {}): Promise<WarmupReport> {
  const o = { ...WARMUP_DEFAULTS, ...opts };
  const t0 = performance.now();
  const live = new Set<Socket>();
  let exchanges = 0;
  let requests = 0;
  let errors = 0;
  let cut: WarmupReport['cut'] = 'none';
  let failure: string | undefined;
  let frontendCount = 0;
  let responder: Awaited<ReturnType<typeof startResponder>> | undefined;
  let proxy: ReturnType<typeof createProxy> | undefined;
  const onAbort = (): void => {
    for (const s of live) s.destroy();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    responder = await startResponder();
    const topo = warmupTopology(real, responder.port);
    frontendCount = topo.frontends.length;
    if (o.signal?.aborted) cut = 'aborted';
    if (frontendCount === 0 || cut === 'aborted') return { frontends: 0, exchanges: 0, requests: 0, errors: 0, ms: 0, cut };
    const logger: Logger = createLogger({ level: 'info', destination: nowhere() });
    proxy = createProxy({ ...topo, health: new StaticHealthState(), logger, memoryRelease: false }); // one release after it (lb-service.ts)
    await proxy.start();
    const ports = proxy.addresses().map((a) => ({ port: a.port, http: topo.frontends.find((f) => f.name === a.frontend)?.mode === 'http' }));

    // Keep-alive first (pooled server connections, the steady state), then fresh connections,
    // frontends interleaved so that a cut still leaves every one of them exercised. Tasks are
    // numbered, not listed: a large count costs nothing up front.
    const httpPorts = ports.filter((p) => p.http).map((p) => p.port);
    const perConn = Math.max(1, Math.ceil(o.keepAliveRequests / o.concurrency));
    const keepAlive = o.keepAliveRequests > 0 ? httpPorts.length * o.concurrency : 0;
    const total = keepAlive + Math.ceil(o.connections / ports.length) * ports.length;
    const taskAt = (i: number): { port: number; requests: number } =>
      i < keepAlive ? { port: httpPorts[i % httpPorts.length]!, requests: perConn } : { port: ports[(i - keepAlive) % ports.length]!.port, requests: 1 };

    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < total) {
        if (o.signal?.aborted) return void (cut = 'aborted');
        if (performance.now() - t0 > o.deadlineMs) return void (cut = 'deadline');
        const t = taskAt(next++);
        const r = await exchange(t.port, t.requests, o.exchangeTimeoutMs, t0 + o.deadlineMs, live);
        exchanges++;
        requests += r.answered;
        if (!r.ok) errors++;
        if (r.cut && cut === 'none') cut = 'deadline';
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } catch (err) {
    errors++;
    failure = err instanceof Error ? err.message : String(err);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    onAbort();
    await proxy?.stop().catch(() => undefined);
    if (responder) {
      const { server, conns } = responder;
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const c of conns) c.destroy();
      await closed;
    }
  }
  const ms = Math.round(performance.now() - t0);
  return failure === undefined ? { frontends: frontendCount, exchanges, requests, errors, ms, cut } : { frontends: frontendCount, exchanges, requests, errors, ms, cut, failure };
}
