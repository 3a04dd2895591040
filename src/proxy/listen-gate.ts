// A listening socket that can stop accepting without closing, for `maxconn` with HAProxy's
// semantics: at the limit HAProxy stops polling the listener and leaves new clients in the
// kernel's accept backlog; they are accepted when a slot frees. Node's `server.maxConnections`
// accepts and closes instead, and net.Server has no pause.
//
// Pausing keeps a duplicate of the listening descriptor (native/fds.c) and closes Node's handle:
// the kernel socket stays open and listening, so its backlog keeps filling (up to the listen
// backlog, see LISTEN_BACKLOG), and nothing is reset. Resuming wraps the kept descriptor in a
// new net.Server (`listen({ fd })`). Without the addon the fallback keeps accepting while
// paused and holds the new sockets unread (pauseOnConnect), handing them over in arrival order
// on resume; past `holdMax` held sockets it closes new ones, each logged and counted by the
// caller (onRefused). The fallback costs a descriptor per held client, the native path none.
import { type Server as NetServer, type Socket } from 'node:net';
import type { Bind } from '../config/model.js';
import { loadNative, type HalbNative } from '../native/addon.js';

/**
 * Listen backlog of every frontend socket. HAProxy uses the frontend's maxconn as backlog by
 * default; halb asks for at least that and never less than 1024 (the kernel caps it at
 * net.core.somaxconn, 4096 on current kernels).
 */
export function listenBacklog(maxconn: number | undefined): number {
  return Math.max(1024, maxconn ?? 0);
}

function nativeDup(): Pick<HalbNative, 'dupFd' | 'close'> | undefined {
  if (process.env.HALB_LISTEN_PAUSE === 'hold') return undefined; // forces the fallback (tests)
  try {
    const n = loadNative();
    return n.dupFd ? n : undefined;
  } catch {
    return undefined;
  }
}

export interface GateHooks {
  /** Builds a net.Server with the proxy's options and 'error' listener (no 'connection' one). */
  makeServer(): NetServer;
  /** A connection to serve. */
  onConnection(sock: Socket): void;
  /** A connection closed unserved (fallback hold full). */
  onRefused(sock: Socket, reason: string): void;
}

export class GatedListener {
  server: NetServer;
  private paused = false;
  /** Kept duplicate of the listening descriptor while paused (native path). */
  private kept: number | undefined;
  private readonly held: Socket[] = [];
  private addr: { address: string; port: number } | undefined;
  private readonly native = nativeDup();
  private closed = false;

  constructor(
    private readonly hooks: GateHooks,
    private backlog: number,
    readonly holdMax = 1024,
  ) {
    this.server = this.wire(hooks.makeServer());
  }

  private wire(server: NetServer): NetServer {
    server.on('connection', (sock: Socket) => {
      if (this.paused) this.hold(sock);
      else this.hooks.onConnection(sock);
    });
    return server;
  }

  listen(bind: Bind, backlog: number): Promise<void> {
    this.backlog = backlog;
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: bind.address, port: bind.port, backlog, exclusive: true }, () => {
        this.server.removeListener('error', onError);
        const a = this.server.address();
        if (a && typeof a === 'object') this.addr = { address: a.address, port: a.port };
        resolve();
      });
    });
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Where it listens (kept while paused, when Node's server is closed). */
  address(): { address: string; port: number } | undefined {
    return this.addr;
  }

  pause(): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    const fd = (this.server as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
    if (!this.native || typeof fd !== 'number' || fd < 0) return; // fallback: hold
    try {
      this.kept = this.native.dupFd!(fd);
    } catch {
      return; // EMFILE: hold instead; the descriptor budget should have prevented it
    }
    this.server.close();
  }

  resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    if (this.kept !== undefined) {
      const fd = this.kept;
      this.kept = undefined;
      this.server = this.wire(this.hooks.makeServer());
      // The handle form takes the backlog as an argument; `backlog` in the options object
      // is ignored with `fd`, which would shrink it to Node's 511.
      this.server.listen({ fd }, this.backlog);
      return;
    }
    while (this.held.length && !this.paused) {
      const s = this.held.shift()!;
      if (s.destroyed) continue;
      this.hooks.onConnection(s);
    }
  }

  private hold(sock: Socket): void {
    if (this.held.length >= this.holdMax) {
      this.hooks.onRefused(sock, 'maxconn reached and accept queue full');
      sock.destroy();
      return;
    }
    this.held.push(sock);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const s of this.held.splice(0)) s.destroy();
    if (this.kept !== undefined) {
      try {
        this.native?.close(this.kept);
      } catch {
        /* already closed */
      }
      this.kept = undefined;
      return Promise.resolve();
    }
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
