// Real servers on 127.0.0.1 (port 0) for health-check tests. Every helper returns a
// close() that also destroys accepted sockets, so tests can clean up in t.after.

import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import https from 'node:https';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

function track(server: net.Server): Set<net.Socket> {
  const socks = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    socks.add(s);
    s.on('error', () => {});
    s.on('close', () => socks.delete(s));
  });
  server.on('secureConnection', (s: net.Socket) => {
    s.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
  return socks;
}

async function listen(server: net.Server): Promise<Running> {
  const socks = track(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of socks) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Raw TCP server: `onConn` decides what each connection gets. */
export function tcpServer(onConn: (s: net.Socket) => void = () => {}): Promise<Running> {
  return listen(net.createServer(onConn));
}

/** HTTP server answering every request with the status returned by `status()`. */
export function httpServer(status: () => number = () => 200): Promise<Running & { requests: http.IncomingMessage[] }> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    res.writeHead(status(), { 'content-type': 'text/plain' });
    res.end('ok\n');
  });
  return listen(server).then((r) => ({ ...r, requests }));
}

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
}

const FIXTURE_DIR = join(fileURLToPath(import.meta.url), '../../../../../test/fixtures/tls');

/**
 * Self-signed EC cert made fresh with the openssl CLI, or the test-only fixture pair in
 * test/fixtures/tls (CN=localhost, valid 100 years) when the CLI is missing.
 */
export function makeSelfSigned(cn = 'localhost'): TlsMaterial | undefined {
  if (spawnSync('openssl', ['version']).status !== 0) {
    try {
      return { key: readFileSync(join(FIXTURE_DIR, 'key.pem'), 'utf8'), cert: readFileSync(join(FIXTURE_DIR, 'cert.pem'), 'utf8') };
    } catch {
      return undefined;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'halb-tls-'));
  try {
    const r = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
    ]);
    if (r.status !== 0) return undefined;
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function httpsServer(mat: TlsMaterial, status: () => number = () => 200): Promise<Running & { snis: (string | false)[] }> {
  const snis: (string | false)[] = [];
  const server = https.createServer({ key: mat.key, cert: mat.cert }, (req, res) => {
    res.writeHead(status());
    res.end('ok\n');
  });
  server.on('secureConnection', (s: tls.TLSSocket) => snis.push((s as tls.TLSSocket & { servername?: string | false }).servername ?? false));
  return listen(server).then((r) => ({ ...r, snis }));
}

export function tlsServer(mat: TlsMaterial, onConn: (s: tls.TLSSocket) => void = () => {}): Promise<Running> {
  return listen(tls.createServer({ key: mat.key, cert: mat.cert }, onConn));
}

/** A port with nothing listening (connections are refused). */
export async function closedPort(): Promise<number> {
  const r = await tcpServer();
  await r.close();
  return r.port;
}

/**
 * A port whose connects hang: python3 listens with backlog 0 and never accepts; one
 * filler connection fills the queue, so further SYNs are dropped by the kernel.
 * Undefined when python3 is missing.
 */
export async function blackholePort(): Promise<(Running & { filler: net.Socket }) | undefined> {
  if (spawnSync('python3', ['-c', 'pass']).status !== 0) return undefined;
  const child = spawn('python3', ['-c', ['import socket,sys', 's=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(0)', 'print(s.getsockname()[1], flush=True)', 'sys.stdin.read()'].join('\n')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('error', reject);
  });
  const filler = net.connect(port, '127.0.0.1');
  filler.on('error', () => {});
  await new Promise((r) => filler.once('connect', r));
  return {
    port,
    filler,
    close: async () => {
      filler.destroy();
      child.stdin.end();
      child.kill();
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    },
  };
}
