// Real backend servers for integration tests, on 127.0.0.1 with OS-allocated ports.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { scaled } from './timescale.js';

export interface Started<T> {
  readonly port: number;
  readonly server: T;
  close(): Promise<void>;
}

function closeAll(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

/** HTTP server answering `name` (and echoing request bodies on POST/PUT). */
export async function startHttpBackend(name: string, handler?: http.RequestListener): Promise<Started<http.Server> & { requests: http.IncomingMessage[] }> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer({ keepAliveTimeout: 30000 }, (req, res) => {
    requests.push(req);
    if (handler) return handler(req, res);
    if (req.method === 'POST' || req.method === 'PUT') {
      res.writeHead(200, { 'x-server': name });
      req.pipe(res);
      return;
    }
    req.resume();
    const body = name;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), 'x-server': name });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const sockets = track(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server, requests, close: () => closeAll(server, sockets) };
}

/** Raw TCP server; `onConn` gets each socket (default: echo). */
export async function startTcpBackend(onConn?: (s: net.Socket) => void, opts: net.ServerOpts = { allowHalfOpen: true }): Promise<Started<net.Server>> {
  const server = net.createServer(opts, (s) => {
    s.on('error', () => {});
    if (onConn) onConn(s);
    else s.pipe(s);
  });
  const sockets = track(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server, close: () => closeAll(server, sockets) };
}

/** A port on which nothing listens (connection refused). */
export async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Raw HTTP client exchange: sends `data`, resolves with everything received until close or `until` matches. */
export function rawExchange(port: number, data: string | Buffer, opts: { until?: (got: string) => boolean; timeoutMs?: number; halfClose?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const t = setTimeout(
      () => {
        s.destroy();
        reject(new Error(`rawExchange timeout, got: ${JSON.stringify(got.slice(0, 300))}`));
      },
      opts.timeoutMs ?? scaled(10000),
    );
    s.on('connect', () => {
      s.write(data);
      if (opts.halfClose) s.end();
    });
    s.on('data', (c) => {
      got += c.toString('latin1');
      if (opts.until?.(got)) {
        clearTimeout(t);
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(t);
      resolve(got);
    });
  });
}

/** Keep-alive HTTP GET through an agent-less request (fresh connection unless agent given). */
export function httpGet(
  port: number,
  path = '/',
  opts: { agent?: http.Agent; headers?: http.OutgoingHttpHeaders; method?: string; body?: Buffer | string } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', agent: opts.agent ?? false, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * A blackhole on 127.0.0.1: a listening socket (in a python3 child) that never accepts, with
 * its accept queue filled, so new SYNs are dropped and connects hang until they time out.
 */
export async function startBlackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const py = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    py.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    py.once('error', reject);
  });
  const fillers: net.Socket[] = [];
  // Fill the accept queue (backlog 0 allows one or two pending connections).
  for (let i = 0; i < 4; i++) {
    const f = net.connect(port, '127.0.0.1');
    f.on('error', () => {});
    fillers.push(f);
    await new Promise((r) => setTimeout(r, 30));
  }
  return {
    port,
    close: async () => {
      for (const f of fillers) f.destroy();
      py.stdin.end();
      py.kill();
    },
  };
}

/** A port that was free a moment ago (for configs that must name their port before binding). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
