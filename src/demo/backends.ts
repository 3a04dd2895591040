// Demo backends for `halb demo`: small HTTP servers on 127.0.0.1 that say who they are,
// answer /healthz, and can be made sick at runtime (POST /sick, POST /well) to watch checks react.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoBackend {
  readonly name: string;
  readonly port: number;
  sick: boolean;
  close(): Promise<void>;
}

export async function startDemoBackend(name: string, port: number, host = '127.0.0.1'): Promise<DemoBackend> {
  const state = { sick: false };
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && (req.url === '/sick' || req.url === '/well')) {
      state.sick = req.url === '/sick';
      res.end(`${name} is now ${state.sick ? 'sick' : 'well'}\n`);
      return;
    }
    if (req.url === '/healthz') {
      res.statusCode = state.sick ? 503 : 200;
      res.end(state.sick ? 'sick\n' : 'ok\n');
      return;
    }
    req.resume();
    res.setHeader('content-type', 'text/plain');
    res.end(`hello from ${name} (${req.method} ${req.url})\n`);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    name,
    port: actual,
    get sick() {
      return state.sick;
    },
    set sick(v: boolean) {
      state.sick = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
