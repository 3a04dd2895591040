// Quick data-plane comparison: halb vs haproxy (nbthread 1) vs direct, on 127.0.0.1.
//   node dist/bench/proxy-quick.js [--duration 5] [--conns 50] [--rounds 3] [--only http|tcp|bulk] [--bulk-mb 1024]
// Runs a fast raw HTTP backend and halb in child processes (so each has its own event loop,
// like haproxy), drives them with wrk, and prints req/s and ratios. Bulk: one 1 GiB transfer
// through tcp mode. This is a developer tool; the full table is bench/main.ts's job.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};

// ---- roles run in child processes ---------------------------------------------------------

/** Minimal keep-alive HTTP backend: answers every request head with a fixed 200. */
function runBackend(port: number): void {
  const body = 'hello from backend\n';
  const resp = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  net
    .createServer({ noDelay: true }, (s) => {
      let carry = '';
      s.on('data', (d) => {
        const text = carry + d.toString('latin1');
        let idx = 0;
        let n = 0;
        for (;;) {
          const e = text.indexOf('\r\n\r\n', idx);
          if (e < 0) break;
          n++;
          idx = e + 4;
        }
        carry = text.slice(idx);
        if (n === 1) s.write(resp);
        else if (n > 1) s.write(Buffer.concat(new Array(n).fill(resp)));
      });
      s.on('error', () => {});
    })
    .listen(port, '127.0.0.1');
}

/** Bulk source: writes `bytes` to each connection then closes. */
function runBulkSource(port: number, bytes: number): void {
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  net
    .createServer((s) => {
      let left = bytes;
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
            s.once('drain', pump);
            return;
          }
        }
        s.end();
      };
      s.on('error', () => {});
      s.resume();
      pump();
    })
    .listen(port, '127.0.0.1');
}

async function runHalb(cfgJson: string): Promise<void> {
  const { createProxy } = await import('../src/proxy/proxy.js');
  const { StaticHealthState } = await import('../src/health/static-state.js');
  const { silentLogger } = await import('../src/log/logger.js');
  const cfg = JSON.parse(cfgJson);
  const proxy = createProxy({ frontends: cfg.frontends, backends: cfg.backends, health: new StaticHealthState(), logger: silentLogger() });
  await proxy.start();
  // Exit through process.exit so `--cpu-prof` profiles get written.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(0));
  process.send?.('ready');
}

// ---- driver --------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} never opened`);
}

function child(role: string, ...rest: string[]): ChildProcess {
  return spawn(process.execPath, [self, '--role', role, ...rest], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** CPU seconds (user+system) consumed so far by a process, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(parts[11]) + Number(parts[12])) / 100; // utime + stime in clock ticks (USER_HZ=100)
  } catch {
    return 0;
  }
}

function wrk(port: number, seconds: number, conns: number): { rps: number; p99: string; requests: number } {
  const r = spawnSync('wrk', ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/`], { encoding: 'utf8' });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  const p = /99%\s+(\S+)/.exec(r.stdout);
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(r.stdout);
  if (errors) console.log(`  wrk: ${errors[0]}`);
  const total = /(\d+) requests in/.exec(r.stdout);
  return { rps: m ? Number(m[1]) : 0, p99: p ? p[1]! : '?', requests: total ? Number(total[1]) : 0 };
}

function bulk(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let n = 0;
    const s = net.connect(port, '127.0.0.1');
    s.on('data', (d) => (n += d.length));
    s.on('end', () => resolve((n * 8) / ((performance.now() - t0) / 1000) / 1e9));
    s.on('error', reject);
  });
}

async function main(): Promise<void> {
  const seconds = Number(opt('duration', '5'));
  const conns = Number(opt('conns', '50'));
  const only = opt('only', 'all');
  const bulkBytes = Number(opt('bulk-mb', '1024')) * 1024 * 1024;
  const procs: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'halb-bench-'));
  try {
    const be = await freePort();
    const bulkPort = await freePort();
    procs.push(child('backend', '--port', String(be)));
    procs.push(child('bulk', '--port', String(bulkPort), '--bytes', String(bulkBytes)));
    const [hHttp, hTcp, hBulk, xHttp, xTcp, xBulk] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePort()));
    const server = (port: number) => ({
      name: 's1',
      address: '127.0.0.1',
      port,
      weight: 1,
      backup: false,
      disabled: false,
      check: false,
      checkSsl: false,
      verify: 'none',
      inter: 2000,
      rise: 2,
      fall: 3,
      initAddr: [],
    });
    const bk = (name: string, mode: string, port: number) => ({
      name,
      mode,
      balance: { algo: 'roundrobin', hashType: 'consistent' },
      servers: [server(port)],
      allBackups: false,
      redispatch: false,
      retries: 3,
      timeouts: { connect: 5000, server: 30000 },
      healthCheck: { type: 'tcp' },
      httpServerClose: false,
      errorFiles: {},
    });
    const fe = (name: string, mode: string, port: number, backend: string) => ({
      name,
      mode,
      binds: [{ address: '127.0.0.1', port }],
      defaultBackend: backend,
      timeouts: { client: 30000, httpRequest: 10000 },
      httpServerClose: false,
      log: { httplog: false, tcplog: false, dontlognull: false },
      errorFiles: {},
    });
    const cfg = {
      frontends: [fe('fh', 'http', hHttp, 'bh'), fe('ft', 'tcp', hTcp, 'bt'), fe('fb', 'tcp', hBulk, 'bb')],
      backends: [bk('bh', 'http', be), bk('bt', 'tcp', be), bk('bb', 'tcp', bulkPort)],
    };
    const halb = child('halb', '--config', JSON.stringify(cfg));
    procs.push(halb);
    const hacfg = join(dir, 'haproxy.cfg');
    writeFileSync(
      hacfg,
      `global\n  nbthread 1\n  maxconn 4096\ndefaults\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\n  timeout http-request 10s\n` +
        `frontend fh\n  mode http\n  bind 127.0.0.1:${xHttp}\n  default_backend bh\nbackend bh\n  mode http\n  server s1 127.0.0.1:${be}\n` +
        `frontend ft\n  mode tcp\n  bind 127.0.0.1:${xTcp}\n  default_backend bt\nbackend bt\n  mode tcp\n  server s1 127.0.0.1:${be}\n` +
        `frontend fb\n  mode tcp\n  bind 127.0.0.1:${xBulk}\n  default_backend bb\nbackend bb\n  mode tcp\n  server s1 127.0.0.1:${bulkPort}\n`,
    );
    const hap = spawn('haproxy', ['-f', hacfg, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
    procs.push(hap);
    await Promise.all([be, bulkPort, hHttp, hTcp, hBulk, xHttp, xTcp, xBulk].map(waitPort));
    const rows: string[] = [];
    const line = (what: string, direct: number | undefined, h: number, x: number, unit: string): void => {
      rows.push(
        `${what.padEnd(22)} ${direct === undefined ? '-'.padStart(10) : direct.toFixed(1).padStart(10)} ${h.toFixed(1).padStart(10)} ${x.toFixed(1).padStart(10)} ${(h / x).toFixed(2).padStart(6)}x  ${unit}`,
      );
    };
    const rounds = Number(opt('rounds', '3'));
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // halb and haproxy runs alternate and the median of `rounds` is kept: this machine is shared,
    // so load from elsewhere should hit both sides alike.
    // Also CPU time per request of each proxy: under contention from other work on the machine
    // it is a steadier efficiency measure than req/s.
    const compare = (hp: number, xp: number): { h: number; x: number; hp99: string; xp99: string; hcpu: number; xcpu: number } => {
      const hs: number[] = [];
      const xs: number[] = [];
      let hp99 = '';
      let xp99 = '';
      let hcpu = 0;
      let xcpu = 0;
      let hreq = 0;
      let xreq = 0;
      for (let r = 0; r < rounds; r++) {
        let c0 = cpuSeconds(halb.pid);
        const a = wrk(hp, seconds, conns);
        hcpu += cpuSeconds(halb.pid) - c0;
        hreq += a.requests;
        c0 = cpuSeconds(hap.pid);
        const b = wrk(xp, seconds, conns);
        xcpu += cpuSeconds(hap.pid) - c0;
        xreq += b.requests;
        hs.push(a.rps);
        xs.push(b.rps);
        hp99 = a.p99;
        xp99 = b.p99;
      }
      return { h: median(hs), x: median(xs), hp99, xp99, hcpu: (hcpu / Math.max(1, hreq)) * 1e6, xcpu: (xcpu / Math.max(1, xreq)) * 1e6 };
    };
    if (only === 'all' || only === 'http') {
      wrk(hHttp, 1, conns); // warm-up (JIT)
      const d = wrk(be, seconds, conns);
      const c = compare(hHttp, xHttp);
      line('http keep-alive', d.rps, c.h, c.x, `req/s (p99 halb ${c.hp99}, haproxy ${c.xp99})`);
      line('http CPU/request', undefined, c.hcpu, c.xcpu, 'CPU µs per request (lower is better)');
    }
    if (only === 'all' || only === 'tcp') {
      wrk(hTcp, 1, conns);
      const c = compare(hTcp, xTcp);
      line('tcp (http over tcp)', undefined, c.h, c.x, `req/s (p99 halb ${c.hp99}, haproxy ${c.xp99})`);
      line('tcp CPU/request', undefined, c.hcpu, c.xcpu, 'CPU µs per request (lower is better)');
    }
    if (only === 'all' || only === 'bulk') {
      await bulk(hBulk);
      const hs: number[] = [];
      const xs: number[] = [];
      for (let r = 0; r < rounds; r++) {
        hs.push(await bulk(hBulk));
        xs.push(await bulk(xBulk));
      }
      line('bulk tcp', await bulk(bulkPort), median(hs), median(xs), 'Gbit/s');
    }
    console.log(`${'test'.padEnd(22)} ${'direct'.padStart(10)} ${'halb'.padStart(10)} ${'haproxy'.padStart(10)}  ratio`);
    for (const r of rows) console.log(r);
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const role = opt('role', '');
if (role === 'backend') runBackend(Number(opt('port', '0')));
else if (role === 'bulk') runBulkSource(Number(opt('port', '0')), Number(opt('bytes', '0')));
else if (role === 'halb') void runHalb(opt('config', '{}'));
else
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
