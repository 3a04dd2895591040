// tcp mode: one client connection <-> one server connection, bytes forwarded both ways with
// backpressure (pause the reader when the writer's buffer is full, resume on drain) and
// half-close (a FIN from one side is passed on with end(); the other direction keeps flowing,
// allowHalfOpen on both sockets). Timeouts are inactivity timeouts: `timeout client` until the
// server connection is up, then `timeout client`/`server`, or `timeout tunnel` for both when
// set (HAProxy applies tunnel once a tcp session is established). They are checked by the
// proxy's periodic sweep against one activity stamp (every forwarded chunk is a read on one
// socket and a write on the other, so both sockets share it), not by socket timers.
//
// Manual pumping rather than stream.pipe(): fewer listeners and no per-chunk bookkeeping, and
// it lets us keep the client's first bytes to replay them when the server resets the
// connection before sending anything (a transparent retry, reported as a passive failure).
import { Socket } from 'node:net';
import type { PassiveFailure } from '../health/types.js';
import type { BackendRuntime, QueueWaiter, ServerRuntime } from './backend-runtime.js';
import type { QueueEntry } from './wait-queue.js';
import { classifyError } from './connect.js';
import { ms, type AccessLogRecord, type FrontendRuntime, type SessionContext } from './context.js';
import { plainAddress } from './cidr.js';
import { dispatch, newDispatchState, nextAfterFailure, type DispatchState } from './dispatch.js';
import { enableFastRead, offData, onData, releaseChunk } from './fast-read.js';
import { writeAccess } from '../log/access-line.js';
import { termCode, type TermCause, type TermPhase } from './termination.js';
import { closeQuietly, type Relay, type RelayEnd, type RelayOwner } from './native-relay.js';

/** Client bytes kept for replay until the server's first byte; beyond this no transparent retry. */
const REPLAY_LIMIT = 64 * 1024;

/**
 * A connected session with no byte either way for this long is parked in the addon (watch-only,
 * ~0.5 KB instead of two Node sockets, the measured cost of an idle connection) until its first
 * event, when it gets its sockets back, unchanged (RelayApi.park). Nothing was read, so the
 * transparent retry before the server's first byte stays possible.
 */
export const PARK_IDLE_MS = 500;

// Listeners shared by all sessions: the socket carries its session under a symbol, so a session
// costs no per-connection closures (memory per idle connection is a measured target).
const SESSION = Symbol('halb.tcpSession');
type Tagged = Socket & { [SESSION]?: TcpSession | undefined };

const clientListeners = {
  data(this: Tagged, chunk: Buffer): void {
    this[SESSION]?.onClientData(chunk);
  },
  end(this: Tagged): void {
    this[SESSION]?.onClientEnd();
  },
  drain(this: Tagged): void {
    this[SESSION]?.onClientDrain();
  },
  error(this: Tagged, err: NodeJS.ErrnoException): void {
    this[SESSION]?.onClientError(err);
  },
  close(this: Tagged): void {
    this[SESSION]?.onClientClose();
  },
};

const serverListeners = {
  data(this: Tagged, chunk: Buffer): void {
    this[SESSION]?.onServerData(chunk);
  },
  end(this: Tagged): void {
    this[SESSION]?.onServerEnd();
  },
  drain(this: Tagged): void {
    this[SESSION]?.onServerDrain();
  },
  error(this: Tagged, err: NodeJS.ErrnoException): void {
    this[SESSION]?.onServerError(err);
  },
  close(this: Tagged): void {
    this[SESSION]?.onServerClose();
  },
};

/** A socket's listeners but `data` (fast-read.ts attaches that one). */
const eventsOf = (l: object) => Object.entries(l).filter(([ev]) => ev !== 'data') as [string, Parameters<Socket['on']>[1]][];
const CLIENT_EVENTS = eventsOf(clientListeners);
const SERVER_EVENTS = eventsOf(serverListeners);

export class TcpSession implements RelayOwner, QueueWaiter {
  /** Waiting for a server slot (backend queue, or its hashed server's queue). */
  private qEntry: QueueEntry<QueueWaiter> | undefined;
  private readonly t0: number;
  /** Last forwarded byte (either way), or accept / server connection time. */
  private lastActive: number;
  private tConnect = -1;
  private tFirstByte = -1;
  private be: BackendRuntime | undefined;
  private server: ServerRuntime | undefined;
  private ss: Socket | undefined;
  private st: DispatchState | undefined;
  private bytesIn = 0;
  private bytesOut = 0;
  /** Until the server's first byte: the server may still be replaced (transparent retry). */
  private beforeFirstByte = true;
  /** Client bytes sent before the server's first byte; made on the first client byte (idle
   * sessions of server-speaks-first protocols never need it). */
  private replay: Buffer[] | undefined;
  private replayBytes = 0;
  private clientEnded = false;
  private clientClosed = false;
  private serverClosed = true;
  private finished = false;
  private cause: TermCause = '-';
  private phase: TermPhase = '-';
  private reason: string | undefined;
  private readonly clientAddr: string;
  private readonly clientPort: number;
  /** Set once the addon's relay moves the bytes (native-relay.ts); both sockets are gone then. */
  private relay: Relay | undefined;
  /** Set while the addon watches the idle session (PARK_IDLE_MS); both sockets are gone then. */
  private parked: Relay | undefined;
  private parkRefused = false;

  constructor(
    private client: Socket,
    private readonly fe: FrontendRuntime,
    private readonly ctx: SessionContext,
  ) {
    this.t0 = this.lastActive = ctx.clock.now();
    this.clientAddr = plainAddress(client.remoteAddress);
    // Captured now: a destroyed socket no longer reports its peer.
    this.clientPort = client.remotePort ?? 0;
    fe.counters.sessCur++;
    fe.counters.sessTotal++;
    ctx.live.add(this);
    this.wireClient(client);
    this.be = ctx.backend(fe.cfg.defaultBackend);
    if (!this.be) {
      this.fail('R', 'C', 'no backend');
      return;
    }
    this.be.counters.sessCur++;
    this.be.counters.sessTotal++;
    this.st = newDispatchState(this.be);
    const a = this.be.admit(this, this.t0);
    if (a && 'queued' in a) {
      this.phase = 'Q';
      this.qEntry = a.queued;
      return;
    }
    this.connect(a?.server);
  }

  get clientAddress(): string {
    return this.clientAddr;
  }

  granted(server: ServerRuntime): void {
    this.qEntry = undefined;
    this.connect(server);
  }

  expired(): void {
    this.qEntry = undefined;
    this.fail('s', 'Q', 'queue timeout');
  }

  private leaveQueue(): void {
    if (!this.qEntry) return;
    this.be!.leaveQueue(this.qEntry);
    this.qEntry = undefined;
  }

  abort(): void {
    this.fail('R', this.ss || this.relay || this.parked ? 'D' : 'C', 'proxy stopping');
  }

  private wireClient(client: Socket): void {
    client.setNoDelay(true);
    enableFastRead(client);
    (client as Tagged)[SESSION] = this;
    client.on('error', clientListeners.error);
    client.on('close', clientListeners.close);
  }

  private wireClientData(client: Socket): void {
    onData(client, clientListeners.data);
    client.on('end', clientListeners.end);
    client.on('drain', clientListeners.drain);
  }

  private wireServer(ss: Socket): void {
    (ss as Tagged)[SESSION] = this;
    onData(ss, serverListeners.data);
    for (const [ev, fn] of SERVER_EVENTS) ss.on(ev, fn);
  }

  private connect(first: ServerRuntime | undefined): void {
    const be = this.be!;
    this.phase = 'C';
    dispatch(be, this.ctx.health, this.st!, this.clientAddr, first).then(
      (r) => {
        if (this.finished || this.clientClosed) {
          if (r.ok) {
            r.server.release();
            r.socket.destroy();
          }
          if (!this.finished) this.finish();
          return;
        }
        if (!r.ok) {
          this.server = r.server;
          this.fail(r.reason === 'timeout' ? 's' : 'S', 'C', r.reason === 'noserver' ? 'no server available' : `connect: ${r.reason}`);
          return;
        }
        this.attach(r.server, r.socket);
      },
      (err: unknown) => this.fail('R', 'C', String(err)),
    );
  }

  private attach(server: ServerRuntime, ss: Socket): void {
    this.server = server;
    this.ss = ss;
    this.serverClosed = false;
    this.tConnect = this.lastActive = this.ctx.clock.now();
    this.phase = 'D';
    server.counters.sessCur++;
    server.counters.sessTotal++;
    this.wireServer(ss);
    // Replay what the previous (reset) server already got.
    if (this.replay) for (const b of this.replay) ss.write(b);
    if (this.clientEnded) ss.end();
    if (!this.clientListening) {
      this.clientListening = true;
      this.wireClientData(this.client);
    }
    this.client.resume();
  }

  private clientListening = false;

  onClientData(chunk: Buffer): void {
    this.lastActive = this.ctx.clock.now();
    this.bytesIn += chunk.length;
    let kept = false;
    if (this.beforeFirstByte && this.replayBytes <= REPLAY_LIMIT) {
      this.replayBytes += chunk.length;
      if (this.replayBytes <= REPLAY_LIMIT) {
        (this.replay ??= []).push(chunk);
        kept = true;
      } else this.replay = undefined;
    }
    const ss = this.ss;
    if (!ss) return;
    if (!ss.write(chunk)) this.client.pause();
    // Nothing left in the writer: the kernel has the bytes and the chunk can be read into again.
    else if (!kept && ss.writableLength === 0) {
      releaseChunk(chunk);
      if (!this.beforeFirstByte) this.tryRelay();
    }
  }

  onServerData(chunk: Buffer): void {
    this.lastActive = this.ctx.clock.now();
    if (this.beforeFirstByte) {
      this.beforeFirstByte = false;
      this.replay = undefined;
      this.tFirstByte = this.ctx.clock.now();
      this.ctx.health.reportSuccess(this.be!.name, this.server!.name);
    }
    this.bytesOut += chunk.length;
    if (!this.client.write(chunk)) this.ss!.pause();
    else if (this.client.writableLength === 0) {
      releaseChunk(chunk);
      this.tryRelay();
    }
  }

  /**
   * Hands the established session to the native relay when one is available and nothing is
   * buffered on our side: the server has answered (no transparent retry is possible any more),
   * both directions are open and both writers are empty. Otherwise tried again on the next chunk.
   */
  private tryRelay(): void {
    const ss = this.ss;
    const relayApi = this.ctx.relay;
    if (!relayApi || !ss || this.clientEnded || this.serverEnded || this.cause !== '-' || this.finished) return;
    if (ss.writableLength !== 0 || this.client.writableLength !== 0) return;
    const relay = relayApi.start(this.client, ss, this);
    if (!relay) return;
    this.relay = relay;
    this.ctx.relayed.current++;
    this.ctx.relayed.total++;
    this.handOff(ss);
  }

  /** The addon has duplicates of both descriptors: closing Node's leaves the connections open. */
  private handOff(ss: Socket): void {
    this.detachServer(ss);
    this.detachClient();
    ss.destroy();
    this.client.destroy();
  }

  /** Idle since connect, nothing sent either way: hand both sockets to the addon to watch. */
  private park(): void {
    const ss = this.ss!;
    const parked = this.ctx.relay!.park(this.client, ss, this);
    if (!parked) {
      this.parkRefused = true;
      return;
    }
    this.parked = parked;
    this.handOff(ss);
  }

  private detachClient(): void {
    const client = this.client as Tagged;
    client[SESSION] = undefined;
    offData(client, clientListeners.data);
    for (const [ev, fn] of CLIENT_EVENTS) client.removeListener(ev, fn);
    this.clientClosed = true;
  }

  /** The parked session's first event: both descriptors back in Node sockets, as before. */
  onRelayWake(clientFd: number, serverFd: number): void {
    this.parked = undefined;
    let client: Socket | undefined;
    let ss: Socket | undefined;
    try {
      client = new Socket({ fd: clientFd, allowHalfOpen: true });
      ss = new Socket({ fd: serverFd, allowHalfOpen: true });
    } catch (err) {
      client?.destroy();
      for (const fd of client ? [serverFd] : [clientFd, serverFd]) closeQuietly(fd);
      this.releaseServer();
      this.fail('R', 'D', `unpark: ${String(err)}`);
      return;
    }
    this.lastActive = this.ctx.clock.now();
    this.client = client;
    this.clientClosed = false;
    this.wireClient(client);
    this.wireClientData(client);
    this.ss = ss;
    this.serverClosed = false;
    this.wireServer(ss);
  }

  onRelayDone(bytesIn: number, bytesOut: number, end: RelayEnd, errName: string | null): void {
    this.relayEnded(bytesIn, bytesOut);
    if (end === 0) this.finish();
    else if (end === 1) this.fail('C', 'D', errName ?? 'client error');
    else this.fail('S', 'D', errName ?? 'server error');
  }

  /** The relay's bytes and the server's release (what onServerClose does for a JS session). */
  private relayEnded(bytesIn: number, bytesOut: number): void {
    this.relay = undefined;
    this.ctx.relayed.current--;
    this.bytesIn += bytesIn;
    this.bytesOut += bytesOut;
    this.releaseServer();
  }

  /** The server connection is gone without a 'close' event of ours (relay, park, retry). */
  private releaseServer(): void {
    this.server!.counters.sessCur--;
    this.server!.release();
  }

  onServerDrain(): void {
    this.client.resume();
  }

  onClientDrain(): void {
    this.ss?.resume();
  }

  onClientEnd(): void {
    this.clientEnded = true;
    this.ss?.end();
  }

  private serverEnded = false;

  onServerEnd(): void {
    if (this.replayable() && !this.clientEnded) {
      // Closed before sending anything while the client is still talking: what a server
      // that dies mid-session (or is shutting down) does. Treated like a reset — retried
      // elsewhere with the client's bytes replayed (HAProxy's `retry-on empty-response`
      // idea). Bytes sent before the server's first byte are at most a protocol greeting or
      // a first request (a TLS ClientHello for kube-apiserver passthrough), bounded by
      // REPLAY_LIMIT. A close after the client's own FIN is a legitimate answer.
      this.retryOrFail('reset', 'server closed before first byte');
      return;
    }
    this.beforeFirstByte = false;
    this.replay = undefined;
    this.serverEnded = true;
    this.client.end();
  }

  /** A reset/close now can be retried on another server with the client's bytes replayed. */
  private replayable(): boolean {
    return this.beforeFirstByte && this.replayBytes <= REPLAY_LIMIT;
  }

  onServerError(err: NodeJS.ErrnoException): void {
    if (this.replayable()) {
      // Reset before the server's first byte: retry elsewhere and replay the client's bytes.
      this.retryOrFail(classifyError(err), `server ${err.code ?? 'error'} before first byte`);
      return;
    }
    this.fail('S', 'D', err.code ?? 'server error');
  }

  private retryOrFail(kind: PassiveFailure, reason: string): void {
    const ss = this.ss;
    if (!ss || this.clientClosed || !this.be || !this.st || !this.server) {
      this.fail('S', 'D', reason);
      return;
    }
    this.detachServer(ss);
    ss.destroy();
    this.releaseServer();
    const next = nextAfterFailure(this.be, this.ctx.health, this.st, this.server, kind, this.clientAddr);
    if (next) {
      this.client.pause();
      this.connect(next);
      return;
    }
    this.fail('S', 'C', reason);
  }

  private detachServer(ss: Socket): void {
    (ss as Tagged)[SESSION] = undefined;
    offData(ss, serverListeners.data);
    for (const [ev, fn] of SERVER_EVENTS) ss.removeListener(ev, fn);
    ss.on('error', () => {});
    this.ss = undefined;
    this.serverClosed = true;
  }

  onClientError(err: NodeJS.ErrnoException): void {
    this.fail('C', this.phase === '-' ? 'D' : this.phase, err.code ?? 'client error');
  }

  /** Inactivity timeouts, from the proxy's sweep. With equal limits the server side fires. */
  sweep(now: number): void {
    if (this.finished || this.cause !== '-') return;
    const idle = this.relay ? this.relay.idleMs() : now - this.lastActive;
    const tClient = this.fe.cfg.timeouts.client;
    const ss = this.ss;
    if (ss && idle >= PARK_IDLE_MS && this.bytesIn === 0 && this.beforeFirstByte && !this.clientEnded && !this.parkRefused && this.ctx.relay && ss.writableLength === 0) {
      this.park();
    }
    if (!this.ss && !this.relay && !this.parked) {
      // Connecting: `timeout connect` is dispatch's; the client side is already timed.
      if (tClient && idle >= tClient) this.fail('c', this.phase, 'client timeout');
      return;
    }
    const t = this.be!.cfg.timeouts;
    const tS = t.tunnel ?? t.server;
    const tC = t.tunnel ?? tClient;
    if (tS && idle >= tS && (!tC || tS <= tC)) this.fail('s', this.phase, 'server timeout');
    else if (tC && idle >= tC) this.fail('c', this.phase, 'client timeout');
  }

  onClientClose(): void {
    this.clientClosed = true;
    if (this.qEntry) {
      this.leaveQueue();
      this.fail('C', 'Q', 'client closed while queued');
      return;
    }
    // Client fully gone before both directions ended cleanly: nothing more can be delivered.
    if (this.ss && !this.serverClosed && !(this.clientEnded && this.serverEnded)) this.ss.destroy();
    this.maybeFinish();
  }

  onServerClose(): void {
    this.serverClosed = true;
    if (this.server) {
      this.server.counters.sessCur--;
      this.server.release();
    }
    if (!this.clientClosed) {
      if (this.serverEnded) this.client.end();
      else this.client.destroy();
    }
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.clientClosed && this.serverClosed) this.finish();
  }

  private fail(cause: TermCause, phase: TermPhase, reason: string): void {
    if (this.finished) return;
    this.leaveQueue();
    if (this.cause === '-') {
      this.cause = cause;
      this.phase = phase;
      this.reason = reason;
      if (cause === 'S' || cause === 's') {
        if (phase !== 'C') {
          this.be && this.be.counters.errResp++;
          this.server && this.server.counters.errResp++;
        }
      } else if (cause === 'C' || cause === 'c') {
        this.fe.counters.errReq++;
      }
    }
    if (this.relay) {
      const moved = this.relay.abort();
      this.relayEnded(moved.bytesIn, moved.bytesOut);
    }
    if (this.parked) {
      this.parked.abort();
      this.parked = undefined;
      this.releaseServer();
    }
    this.ss?.destroy();
    this.client.destroy();
    this.maybeFinish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.ctx.live.delete(this);
    const now = this.ctx.clock.now();
    this.fe.counters.sessCur--;
    this.ctx.sessionEnded(this.fe);
    this.fe.counters.bytesIn += this.bytesIn;
    this.fe.counters.bytesOut += this.bytesOut;
    const be = this.be;
    if (be) {
      be.counters.sessCur--;
      be.counters.bytesIn += this.bytesIn;
      be.counters.bytesOut += this.bytesOut;
    }
    if (this.server) {
      this.server.counters.bytesIn += this.bytesIn;
      this.server.counters.bytesOut += this.bytesOut;
    }
    const log = this.fe.cfg.log;
    if (log.dontlognull && this.bytesIn === 0 && this.cause === '-') return;
    const logger = this.ctx.logger;
    if (!logger.isLevelEnabled('info')) return;
    const rec: AccessLogRecord = {
      event: 'access',
      mode: 'tcp',
      frontend: this.fe.cfg.name,
      backend: be?.name ?? '-',
      server: this.server?.name ?? '-',
      client: `${this.clientAddr}:${this.clientPort}`,
      connectMs: ms(this.t0, this.tConnect),
      responseMs: ms(this.t0, this.tFirstByte),
      totalMs: ms(this.t0, now),
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      termination: termCode(this.cause, this.cause === '-' ? '-' : this.phase),
      retries: this.st?.retries ?? 0,
      redispatches: this.st?.redispatches ?? 0,
    };
    if (this.reason) rec.reason = this.reason;
    writeAccess(logger, rec);
  }
}
