// The admin HTTP listener of one `stats` entry (haproxy.cfg `listen stats`, or halb.yaml):
//   GET /metrics                   Prometheus text from the daemon's registry
//   GET {stats uri}[;json|?format=json]   JSON status document (status.ts)
// `stats auth` protects every endpoint with HTTP Basic auth, as HAProxy protects its page.
// Thin adapter: routing, auth and the document are pure modules beside it.
import { EVENT } from '../log/events.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Bind, StatsPage } from '../config/model.js';
import type { Logger } from '../log/logger.js';
import { authorized } from './basic-auth.js';
import { adminTimeouts } from './listener-timeouts.js';
import { routeAdmin } from './route.js';
import type { StatusDocument } from './status.js';

export interface AdminServerOptions {
  readonly page: StatsPage;
  readonly registry: Registry;
  /** Builds the status document at request time. */
  readonly status: (opts: { readonly hideVersion: boolean }) => StatusDocument;
  readonly logger: Logger;
}

/** A stats bind that could not listen, with the config position in the message. */
export class AdminBindError extends Error {
  readonly code: string;
  constructor(
    readonly bind: Bind,
    readonly page: string,
    cause: NodeJS.ErrnoException,
  ) {
    const where = bind.pos ? `${bind.pos.file}:${bind.pos.line}: ` : '';
    const what = cause.code === 'EADDRINUSE' ? 'address already in use' : cause.code === 'EACCES' ? 'permission denied' : cause.message;
    super(`${where}bind ${bind.address}:${bind.port} (stats ${page}): ${what}`, { cause });
    this.name = 'AdminBindError';
    this.code = cause.code ?? 'EBIND';
  }
}

export class AdminServer {
  private readonly servers: http.Server[] = [];
  private page: StatsPage;

  constructor(private readonly opts: AdminServerOptions) {
    this.page = opts.page;
  }

  /** Reload: new uri/auth/refresh/hide-version apply to the next request; binds stay as they are. */
  setPage(page: StatsPage): void {
    this.page = page;
  }

  async start(): Promise<void> {
    try {
      for (const bind of this.opts.page.binds) {
        const t = adminTimeouts(this.opts.page.timeouts);
        const srv = http.createServer({ headersTimeout: t.headersMs, requestTimeout: t.headersMs, connectionsCheckingInterval: t.checkEveryMs }, (req, res) => {
          // Node arms the keep-alive wait at keepAliveTimeout + 1 s (slack for clients racing its
          // Keep-Alive header); ours is the configured value, as HAProxy's http-keep-alive.
          res.once('finish', () => {
            if (!req.socket.destroyed) req.socket.setTimeout(t.keepAliveMs);
          });
          void this.handle(req, res);
        });
        // Also keeps keep-alive scrapers from holding stop() open.
        srv.keepAliveTimeout = t.keepAliveMs;
        if (t.idleMs) srv.timeout = t.idleMs;
        await new Promise<void>((resolve, reject) => {
          srv.once('error', (err: NodeJS.ErrnoException) => reject(new AdminBindError(bind, this.opts.page.name, err)));
          srv.listen(bind.port, bind.address, () => resolve());
        });
        srv.on('error', (err) => this.opts.logger.error({ event: EVENT.admin_error, err }, 'admin listener error'));
        this.servers.push(srv);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.opts.logger.info({ event: EVENT.admin_listening, stats: this.opts.page.name, addresses: this.addresses().map((a) => `${a.address}:${a.port}`) }, 'stats listening');
  }

  async stop(): Promise<void> {
    const all = this.servers.splice(0);
    await Promise.all(
      all.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  /** Where each bind actually listens (the port differs from the config when it was 0). */
  addresses(): { address: string; port: number }[] {
    return this.servers.map((s) => {
      const a = s.address() as AddressInfo;
      return { address: a.address, port: a.port };
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const page = this.page;
    try {
      const route = routeAdmin(req.method ?? 'GET', req.url ?? '/', page.uri);
      if (route.kind === 'not-found') return send(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
      // Auth before method checks, so an unauthenticated client learns nothing but 401.
      if (!authorized(req.headers.authorization, page.auth)) {
        res.setHeader('WWW-Authenticate', 'Basic realm="halb stats", charset="UTF-8"');
        return send(res, 401, 'text/plain; charset=utf-8', 'Unauthorized\n');
      }
      if (route.kind === 'method-not-allowed') {
        res.setHeader('Allow', 'GET, HEAD');
        return send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      }
      if (route.kind === 'metrics') {
        const body = await this.opts.registry.metrics();
        return send(res, 200, this.opts.registry.contentType, body, req.method === 'HEAD');
      }
      const doc = this.opts.status({ hideVersion: page.hideVersion });
      if (page.refresh !== undefined) res.setHeader('Refresh', String(Math.max(1, Math.round(page.refresh / 1000))));
      return send(res, 200, 'application/json', JSON.stringify(doc, null, 2) + '\n', req.method === 'HEAD');
    } catch (err) {
      this.opts.logger.error({ event: EVENT.admin_error, err, url: req.url }, 'admin request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error\n');
      else res.destroy();
    }
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string, headOnly = false): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(headOnly ? undefined : body);
}
