// http mode: an HTTP/1.1 reverse proxy session over raw sockets, one per client connection.
//
//   client bytes ──► head parser ──► pick server ──► pooled/fresh server conn ──► head (+XFF)
//                                                                         body by framing ─┘
//   server bytes ──► response head parser ──► head to client ──► body by framing ──► done:
//     server conn back to the pool when reusable, next (possibly pipelined) request.
//
// Heads are parsed by our strict parser and forwarded with minimal rewriting; bodies stream
// with backpressure and are framed by Content-Length or the chunked scanner, never decoded.
// `Connection: upgrade` + 101 switches the session to a raw tunnel (`timeout tunnel`).
//
// Errors before the response head reached the client become a proper status (400, 408, 431,
// 502, 503, 504, or the configured errorfile) and close the connection, as HAProxy does. An
// idempotent request without a body whose server connection closed or reset before any
// response byte is replayed on a fresh connection (counted as a retry, reported as passive).
import type { Socket } from 'node:net';
import { sendAndClose } from './close-with.js';
import type { BackendRuntime, QueueWaiter, ServerRuntime } from './backend-runtime.js';
import type { QueueEntry } from './wait-queue.js';
import { MAX_IDLE_PER_SERVER } from './backend-runtime.js';
import { classifyError } from './connect.js';
import { ms, type AccessLogRecord, type FrontendRuntime, type SessionContext } from './context.js';
import { plainAddress } from './cidr.js';
import { countStatus } from './counters.js';
import { dispatch, newDispatchState, nextAfterFailure, type DispatchState } from './dispatch.js';
import { errorResponse } from './error-responses.js';
import { ChunkedScanner } from './http/chunked.js';
import { parseRequestHead, parseResponseHead, requestBodyKind, responseBodyKind, upgradeAgreed, type RequestHead, type ResponseHead } from './http/head-parser.js';
import { isIdempotent, responseHeadOut, rewriteRequestHead } from './http/rewrite.js';
import { ServerConn, type ServerConnOwner } from './server-conn.js';
import type { PassiveFailure } from '../health/types.js';
import { writeNow } from './direct-write.js';
import { enableFastRead, onData } from './fast-read.js';
import { writeAccess } from '../log/access-line.js';
import { termCode, type TermCause, type TermPhase } from './termination.js';

const enum St {
  /** Waiting for (more of) a request head. */
  Head,
  /** Request parsed; getting a server connection. */
  Connecting,
  /** Request sent (body may still be streaming); response in progress. */
  Forward,
  /** After 101 Switching Protocols: raw bytes both ways. */
  Tunnel,
  /** Error response or final response being flushed; connection ends after it. */
  Closing,
  Closed,
}

const enum Body {
  None,
  Length,
  Chunked,
  Close,
}

function concat(a: Buffer | undefined, b: Buffer): Buffer {
  return a && a.length ? Buffer.concat([a, b]) : b;
}

function withRest(head: Buffer, rest: Buffer | undefined): Buffer {
  return rest ? Buffer.concat([head, rest]) : head;
}

// Listeners and timer callbacks shared by all sessions (the socket carries its session under a
// symbol): no per-connection closures, which keeps memory per idle connection down.
const SESSION = Symbol('halb.httpSession');
type Tagged = Socket & { [SESSION]?: HttpSession | undefined };

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
  timeout(this: Tagged): void {
    this[SESSION]?.onClientTimeout();
  },
};

function httpRequestTimeout(s: HttpSession): void {
  s.onHttpRequestTimeout();
}

function idleTimeout(s: HttpSession): void {
  s.onIdleTimeout();
}

export class HttpSession implements ServerConnOwner, QueueWaiter {
  /** This request waits for a server slot (backend queue, or its hashed server's queue). */
  private qEntry: QueueEntry<QueueWaiter> | undefined;
  private st = St.Head;
  /** Client bytes received and not consumed yet (partial head, or pipelined next request). */
  private buf: Buffer | undefined;
  private scanFrom = 0;
  private requestsServed = 0;
  private httpRequestTimer: NodeJS.Timeout | undefined;
  /** This exchange: the client asked to close, its Connection header was not passed to the server. */
  private closeKept = false;
  private readonly clientAddr: string;
  private readonly clientPort: number;
  /**
   * Whether we paused the client. Socket.resume() is not free (a megamorphic walk through the
   * socket and stream state) and the keep-alive path would call it on every request.
   */
  private clientPaused = false;
  /** `addr:port` for the access log, made once per connection (not per request). */
  private clientLabel: string | undefined;
  private clientEnded = false;

  // Current exchange
  private req: RequestHead | undefined;
  private outHead: Buffer | undefined;
  private be: BackendRuntime | undefined;
  private server: ServerRuntime | undefined;
  private sc: ServerConn | undefined;
  private ds: DispatchState | undefined;
  private reqBody = Body.None;
  private reqLeft = 0;
  private reqChunks: ChunkedScanner | undefined;
  private reqDone = true;
  private resBuf: Buffer | undefined;
  private res: ResponseHead | undefined;
  private resBody = Body.None;
  private resLeft = 0;
  private resChunks: ChunkedScanner | undefined;
  private resDone = false;
  /** Server sent bytes beyond the response framing, or otherwise must not be reused. */
  private serverTainted = false;
  private tReq = -1;
  private tConnect = -1;
  private tResp = -1;
  private bytesIn = 0;
  private bytesOut = 0;
  private status = 0;
  private cause: TermCause = '-';
  private phase: TermPhase = '-';
  private reason: string | undefined;

  constructor(
    private readonly client: Socket,
    private readonly fe: FrontendRuntime,
    private readonly ctx: SessionContext,
  ) {
    this.clientAddr = plainAddress(client.remoteAddress);
    // Captured now: a destroyed socket no longer reports its peer.
    this.clientPort = client.remotePort ?? 0;
    fe.counters.sessCur++;
    fe.counters.sessTotal++;
    ctx.live.add(this);
    client.setNoDelay(true);
    (client as Tagged)[SESSION] = this;
    enableFastRead(client);
    onData(client, clientListeners.data);
    client.on('end', clientListeners.end);
    client.on('error', clientListeners.error);
    client.on('close', clientListeners.close);
    client.on('drain', clientListeners.drain);
    client.on('timeout', clientListeners.timeout);
    client.resume(); // listeners are created with pauseOnConnect (for tcp mode)
    const t = fe.cfg.timeouts;
    if (t.client) client.setTimeout(t.client);
    // HAProxy: `timeout http-request` bounds the wait for a complete first request head.
    const hr = t.httpRequest ?? t.client;
    if (hr) this.httpRequestTimer = setTimeout(httpRequestTimeout, hr, this);
  }

  abort(): void {
    this.cause = this.cause === '-' ? 'R' : this.cause;
    this.reason ??= 'proxy stopping';
    this.sc?.destroy();
    this.client.destroy();
  }

  // ---- client side -------------------------------------------------------------------

  onClientData(chunk: Buffer): void {
    try {
      this.clientData(chunk);
    } catch (err) {
      this.internalError(err);
    }
  }

  private clientData(chunk: Buffer): void {
    switch (this.st) {
      case St.Head:
        this.buf = concat(this.buf, chunk);
        this.parseHead();
        return;
      case St.Forward:
        if (!this.reqDone) {
          this.feedRequestBody(chunk);
        } else {
          // Pipelined next request: keep it for later, stop reading until this exchange ends.
          this.buf = concat(this.buf, chunk);
          this.pauseClient();
        }
        return;
      case St.Connecting:
        this.buf = concat(this.buf, chunk);
        this.pauseClient();
        return;
      case St.Tunnel:
        this.bytesIn += chunk.length;
        if (this.sc && !this.sc.socket.write(chunk)) this.pauseClient();
        return;
      default:
        return;
    }
  }

  private parseHead(): void {
    const buf = this.buf!;
    const r = parseRequestHead(buf, buf.length, this.ctx.limits, this.scanFrom);
    if (r.kind === 'incomplete') {
      if (this.scanFrom === 0 && this.tReq < 0) this.tReq = this.ctx.clock.now();
      this.scanFrom = buf.length;
      if (!this.httpRequestTimer) {
        const t = this.fe.cfg.timeouts;
        const hr = t.httpRequest ?? t.client;
        if (hr) this.httpRequestTimer = setTimeout(httpRequestTimeout, hr, this);
      }
      return;
    }
    this.scanFrom = 0;
    if (this.httpRequestTimer) {
      clearTimeout(this.httpRequestTimer);
      this.httpRequestTimer = undefined;
    }
    if (this.tReq < 0) this.tReq = this.ctx.clock.now();
    if (r.kind === 'error') {
      this.bytesIn += buf.length;
      this.buf = undefined;
      this.fe.counters.errReq++;
      this.sendError(r.status, 'P', 'R', r.reason);
      return;
    }
    this.startRequest(r.head, buf);
  }

  private startRequest(req: RequestHead, buf: Buffer): void {
    this.req = req;
    this.bytesIn += req.length;
    this.buf = req.length < buf.length ? buf.subarray(req.length) : undefined;
    const be = this.ctx.backend(this.fe.cfg.defaultBackend);
    this.be = be;
    const body = requestBodyKind(req);
    this.reqBody = body.kind === 'length' ? Body.Length : body.kind === 'chunked' ? Body.Chunked : Body.None;
    this.reqLeft = body.kind === 'length' ? body.n : 0;
    this.reqChunks = body.kind === 'chunked' ? new ChunkedScanner() : undefined;
    this.reqDone = this.reqBody === Body.None;
    if (!be) {
      this.fe.counters.requests++;
      this.sendError(503, 'R', 'C', 'no backend');
      return;
    }
    be.counters.sessTotal++;
    be.counters.sessCur++;
    be.counters.requests++;
    this.fe.counters.requests++;
    this.outHead = this.buildOutHead(req, buf, be);
    const a = be.admit(this, this.ctx.clock.now());
    if (!a) {
      this.sendError(503, 'S', 'C', 'no server available');
      return;
    }
    if ('queued' in a) {
      // Every usable server is at maxconn (or the hashed one is): wait for a slot.
      this.st = St.Connecting;
      this.pauseClient();
      this.qEntry = a.queued;
      return;
    }
    this.useServer(a.server);
  }

  get clientAddress(): string {
    return this.clientAddr;
  }

  granted(server: ServerRuntime): void {
    this.qEntry = undefined;
    this.useServer(server);
  }

  expired(): void {
    this.qEntry = undefined;
    this.sendError(503, 's', 'Q', 'queue timeout');
  }

  /** Leaves its queue (client gone or error); true when it was queued. */
  private leaveQueue(): boolean {
    if (!this.qEntry) return false;
    this.be?.leaveQueue(this.qEntry);
    this.qEntry = undefined;
    return true;
  }

  private useServer(server: ServerRuntime): void {
    // Reuse an idle pooled connection (LIFO: the most recently used is the least likely to
    // have been closed by the server's keep-alive timer).
    const idle = server.idle;
    while (idle.length) {
      const sc = idle.pop()!;
      if (sc.closed || sc.socket.destroyed) continue;
      server.conns++;
      // A pooled connection is there at once: its connect time is the request's (connectMs 0).
      this.tConnect = this.tReq;
      this.useConn(sc);
      return;
    }
    this.connectTo(server);
  }

  /** Retry bookkeeping, created only when a connect or a retry is needed (not on the pooled fast path). */
  private dispatchState(be: BackendRuntime): DispatchState {
    return (this.ds ??= newDispatchState(be));
  }

  /** A bug must cost one connection, never the process: log it and drop this session. */
  onInternalError(err: unknown): void {
    this.internalError(err);
  }

  private internalError(err: unknown): void {
    this.ctx.logger.error({ event: 'internal-error', frontend: this.fe.cfg.name, reason: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'http session failed');
    if (this.cause === '-') {
      this.cause = 'P';
      this.reason = 'internal error';
    }
    this.sc?.destroy();
    this.client.destroy();
  }

  private buildOutHead(req: RequestHead, buf: Buffer, be: BackendRuntime): Buffer {
    const ff = be.cfg.forwardFor ?? this.fe.cfg.forwardFor;
    const add: string[] = [];
    if (ff) {
      const except = be.cfg.forwardFor ? this.ctx.backendXffExcept(be) : this.fe.xffExcept;
      if (!except || !except(this.clientAddr)) add.push(`${ff.header}: ${this.clientAddr}`);
    }
    const serverClose = this.fe.cfg.httpServerClose || be.cfg.httpServerClose;
    const forceClose = serverClose && !req.connUpgrade && !req.connClose;
    // An HTTP/1.1 client's "Connection: close" ends the client connection only: the server
    // connection goes back to the pool (a fresh server connection per request costs the server
    // and us a handshake and a teardown each; HAProxy keeps them too).
    this.closeKept = !serverClose && req.connClose && req.versionMinor === 1 && !req.connUpgrade;
    return rewriteRequestHead(buf, req, { add, forceClose, dropConnection: this.closeKept });
  }

  private connectTo(server: ServerRuntime | undefined): void {
    this.st = St.Connecting;
    this.pauseClient();
    const be = this.be!;
    dispatch(be, this.ctx.health, this.dispatchState(be), this.clientAddr, server).then(
      (r) => {
        if (this.st !== St.Connecting) {
          if (r.ok) {
            r.server.release();
            r.socket.destroy();
          }
          return;
        }
        if (!r.ok) {
          this.server = r.server;
          if (r.reason === 'noserver') this.sendError(503, 'S', 'C', 'no server available');
          else this.sendError(503, r.reason === 'timeout' ? 's' : 'S', 'C', `connect: ${r.reason}`);
          return;
        }
        this.ctx.health.reportSuccess(be.name, r.server.name);
        this.tConnect = this.ctx.clock.now();
        this.useConn(new ServerConn(r.socket, r.server, be.cfg.timeouts.server));
      },
      (err: unknown) => this.sendError(503, 'R', 'C', String(err)),
    );
  }

  private useConn(sc: ServerConn): void {
    this.sc = sc;
    this.server = sc.server;
    sc.owner = this;
    sc.uses++;
    sc.server.counters.sessCur++;
    sc.server.counters.sessTotal++;
    sc.server.counters.requests++;
    this.st = St.Forward;
    this.res = undefined;
    this.resBuf = undefined;
    this.resDone = false;
    this.serverTainted = false;
    const pending = this.buf;
    if (!this.reqDone && pending) {
      // Head + the body bytes already here leave in one writev.
      this.buf = undefined;
      sc.socket.cork();
      sc.socket.write(this.outHead!);
      this.feedRequestBody(pending);
      sc.socket.uncork();
    } else {
      writeNow(sc.socket, this.outHead!);
    }
    if (this.st === St.Forward && !this.buf) this.resumeClient();
  }

  private feedRequestBody(chunk: Buffer): void {
    const conn = this.sc;
    if (!conn) return;
    let n: number;
    if (this.reqBody === Body.Length) {
      n = Math.min(this.reqLeft, chunk.length);
      this.reqLeft -= n;
      if (this.reqLeft === 0) this.reqDone = true;
    } else {
      const sc = this.reqChunks!;
      n = sc.scan(chunk, 0, chunk.length);
      if (n < 0) {
        this.fe.counters.errReq++;
        this.requestFailed(400, 'P', 'D', `bad chunked request body: ${sc.error}`);
        return;
      }
      if (sc.done) this.reqDone = true;
    }
    this.bytesIn += n;
    const ok = conn.socket.write(n === chunk.length ? chunk : chunk.subarray(0, n));
    if (n < chunk.length) {
      this.buf = concat(this.buf, chunk.subarray(n));
      this.pauseClient();
    } else if (!ok) {
      this.pauseClient();
    }
    if (this.reqDone && this.resDone) this.complete();
  }

  onClientDrain(): void {
    this.sc?.resume();
  }

  onClientEnd(): void {
    this.clientEnded = true;
    switch (this.st) {
      case St.Head:
        // Clean close between requests; a partial head is an aborted request (HAProxy "CR").
        if (this.buf && this.buf.length) {
          this.fe.counters.errReq++;
          this.end('C', 'R', 'client closed during request head');
        } else {
          this.end('-', '-', undefined);
        }
        return;
      case St.Forward:
      case St.Connecting:
        if (!this.reqDone) {
          this.fe.counters.errReq++;
          this.requestFailed(400, 'C', 'D', 'client closed during request body');
        }
        // Otherwise a half-close after a complete request: answer, then close.
        return;
      case St.Tunnel:
        this.sc?.socket.end();
        return;
      default:
        return;
    }
  }

  onClientError(err: NodeJS.ErrnoException): void {
    if (this.cause === '-') {
      this.cause = 'C';
      this.phase = this.st === St.Head ? 'R' : 'D';
      this.reason = err.code ?? 'client error';
    }
  }

  onClientClose(): void {
    if (this.st === St.Closed) return;
    const wasClean = this.st === St.Head || this.st === St.Closing;
    if (!wasClean && this.cause === '-') {
      this.cause = 'C';
      this.phase = this.res ? 'D' : 'H';
      this.reason = 'client closed';
    }
    if (this.req && this.st !== St.Closing) {
      // Request in flight: the server side is useless now.
      this.dropServer(false);
      this.logRequest();
    }
    this.st = St.Closed;
    this.cleanup();
  }

  onClientTimeout(): void {
    switch (this.st) {
      case St.Head:
        if ((this.buf && this.buf.length) || this.requestsServed === 0) {
          this.fe.counters.errReq++;
          this.sendError(408, 'c', 'R', 'client timeout');
        } else {
          this.end('-', '-', undefined); // idle keep-alive connection expired
        }
        return;
      case St.Forward:
        if (!this.reqDone) {
          this.fe.counters.errReq++;
          this.requestFailed(408, 'c', 'D', 'client timeout during request body');
        }
        // Waiting for the server: `timeout server` governs.
        return;
      case St.Tunnel:
        this.end('c', 'D', 'tunnel timeout (client side)');
        return;
      case St.Closing:
        // A client that never reads our last response must not pin the session forever.
        this.client.destroy();
        return;
      default:
        return;
    }
  }

  onHttpRequestTimeout(): void {
    this.httpRequestTimer = undefined;
    if (this.st !== St.Head) return;
    if (!this.buf?.length && this.requestsServed > 0) {
      this.end('-', '-', undefined);
      return;
    }
    this.fe.counters.errReq++;
    this.sendError(408, 'c', 'R', 'timeout http-request');
  }

  // ---- server side -------------------------------------------------------------------

  onServerData(chunk: Buffer): void {
    try {
      this.serverData(chunk);
    } catch (err) {
      this.internalError(err);
    }
  }

  private serverData(chunk: Buffer): void {
    if (this.st === St.Tunnel) {
      this.bytesOut += chunk.length;
      if (!this.client.write(chunk)) this.sc!.pause();
      return;
    }
    if (this.st !== St.Forward) return;
    if (this.res) {
      this.feedResponseBody(chunk);
      return;
    }
    this.resBuf = concat(this.resBuf, chunk);
    this.parseResponse();
  }

  private parseResponse(): void {
    for (;;) {
      const buf = this.resBuf!;
      const r = parseResponseHead(buf, buf.length, this.ctx.limits);
      if (r.kind === 'incomplete') return;
      if (r.kind === 'error') {
        this.be!.counters.errResp++;
        this.server!.counters.errResp++;
        this.serverTainted = true;
        this.sendError(502, 'P', 'H', `bad response: ${r.reason}`);
        return;
      }
      const head = r.head;
      const rest = head.length < buf.length ? buf.subarray(head.length) : undefined;
      if (this.req!.method === 'CONNECT' && head.status >= 200 && head.status < 300) {
        // RFC 9110 §9.3.6: a 2xx to CONNECT turns the connection into a tunnel.
        this.startTunnel(head.normalise ? withRest(responseHeadOut(buf, head, false), rest) : buf, head);
        return;
      }
      if (head.status === 101) {
        if (!upgradeAgreed(this.req!, head)) {
          this.serverTainted = true;
          this.sendError(502, 'P', 'H', 'unexpected 101 response');
          return;
        }
        this.startTunnel(head.normalise ? withRest(responseHeadOut(buf, head, false), rest) : buf, head);
        return;
      }
      if (head.status < 200) {
        // Interim response (100 Continue, 103 Early Hints): pass it on, keep reading.
        const h = responseHeadOut(buf, head, false);
        this.bytesOut += h.length;
        this.client.write(h);
        this.resBuf = rest;
        if (!rest) return;
        continue;
      }
      this.tResp = this.ctx.clock.now();
      this.res = head;
      this.status = head.status;
      this.resBuf = undefined;
      const kind = responseBodyKind(head, this.req!.method);
      this.resBody = kind.kind === 'length' ? Body.Length : kind.kind === 'chunked' ? Body.Chunked : kind.kind === 'close' ? Body.Close : Body.None;
      this.resLeft = kind.kind === 'length' ? kind.n : 0;
      this.resChunks = kind.kind === 'chunked' ? new ChunkedScanner() : undefined;
      if (head.teAndCl) this.serverTainted = true;
      // The client asked to close but the server connection stays open (buildOutHead): tell the
      // client in the response, since the server did not.
      let out = buf;
      let hl = head.length;
      if (head.normalise || (this.closeKept && !head.connClose)) {
        const h = responseHeadOut(buf, head, this.closeKept);
        hl = h.length;
        out = rest ? Buffer.concat([h, rest]) : h;
      }
      this.bytesOut += hl;
      if (this.resBody === Body.None) {
        this.writeClient(rest ? out.subarray(0, hl) : out);
        if (rest) this.serverTainted = true; // bytes after a bodiless response: do not reuse
        this.responseDone();
        return;
      }
      if (!rest) {
        this.writeClient(out, true);
        return;
      }
      // Head and (part of) the body arrived together: forward them in one write (one syscall).
      this.feedResponseBody(out, hl);
      return;
    }
  }

  /** `head`: b starts with a response head (direct-write.ts: only a message's first write). */
  private writeClient(b: Buffer, head = false): void {
    if (!(head ? writeNow(this.client, b) : this.client.write(b))) this.sc?.pause();
  }

  /** Forwards body bytes chunk[from..]; bytes before `from` (a response head) go in the same write. */
  private feedResponseBody(chunk: Buffer, from = 0): void {
    if (this.resDone) {
      this.serverTainted = true;
      return;
    }
    const avail = chunk.length - from;
    let n: number;
    switch (this.resBody) {
      case Body.Length:
        n = Math.min(this.resLeft, avail);
        this.resLeft -= n;
        break;
      case Body.Chunked: {
        n = this.resChunks!.scan(chunk, from, chunk.length);
        if (n < 0) {
          if (from > 0) this.writeClient(chunk.subarray(0, from));
          this.be!.counters.errResp++;
          this.server!.counters.errResp++;
          this.end('P', 'D', `bad chunked response: ${this.resChunks!.error}`);
          return;
        }
        break;
      }
      case Body.Close:
        n = avail;
        break;
      default:
        n = 0;
    }
    this.bytesOut += n;
    const upto = from + n;
    if (upto > 0) this.writeClient(upto === chunk.length ? chunk : chunk.subarray(0, upto), from > 0);
    if (n < avail) this.serverTainted = true;
    if ((this.resBody === Body.Length && this.resLeft === 0) || (this.resBody === Body.Chunked && this.resChunks!.done)) this.responseDone();
  }

  private responseDone(): void {
    this.resDone = true;
    if (this.reqDone) this.complete();
  }

  /** Request and response both complete: recycle the server connection, log, next request. */
  private complete(): void {
    const req = this.req!;
    const res = this.res!;
    const clientKeep = !this.clientEnded && !req.connClose && (req.versionMinor === 1 || req.connKeepAlive) && this.resBody !== Body.Close;
    const serverKeep =
      !this.serverTainted &&
      this.resBody !== Body.Close &&
      (!req.connClose || this.closeKept) &&
      (req.versionMinor === 1 || req.connKeepAlive) &&
      !res.connClose &&
      (res.versionMinor === 1 || res.connKeepAlive) &&
      !this.fe.cfg.httpServerClose &&
      !this.be!.cfg.httpServerClose;
    this.releaseServer(serverKeep);
    this.logRequest();
    this.requestsServed++;
    this.resetExchange();
    if (!clientKeep) {
      this.end('-', '-', undefined, true);
      return;
    }
    this.st = St.Head;
    const ka = this.fe.cfg.timeouts.httpKeepAlive;
    if (this.buf && this.buf.length) {
      this.resumeClient();
      this.parseHead();
    } else {
      this.buf = undefined;
      if (ka) this.armIdle(ka);
      this.resumeClient();
    }
  }

  private idleTimer: NodeJS.Timeout | undefined;

  /** `timeout http-keep-alive`: how long an idle client connection waits for its next request. */
  private idleServed = 0;

  private armIdle(ms: number): void {
    // One timer per session, re-armed with refresh() (cheap) rather than re-created per request.
    this.idleServed = this.requestsServed;
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(idleTimeout, ms, this);
  }

  onIdleTimeout(): void {
    if (this.st === St.Head && this.requestsServed === this.idleServed && !(this.buf && this.buf.length)) this.end('-', '-', undefined);
  }

  private resetExchange(): void {
    this.req = undefined;
    this.res = undefined;
    this.outHead = undefined;
    this.be = undefined;
    this.server = undefined;
    this.sc = undefined;
    this.ds = undefined;
    this.reqChunks = undefined;
    this.resChunks = undefined;
    this.reqDone = true;
    this.resDone = false;
    this.closeKept = false;
    this.tReq = -1;
    this.tConnect = -1;
    this.tResp = -1;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.status = 0;
    this.cause = '-';
    this.phase = '-';
    this.reason = undefined;
    this.logged = false;
  }

  private releaseServer(keep: boolean): void {
    const sc = this.sc;
    if (!sc) return;
    const server = sc.server;
    server.release();
    server.counters.sessCur--;
    sc.owner = undefined;
    this.sc = undefined;
    if (keep && !sc.closed && server.idle.length < MAX_IDLE_PER_SERVER) {
      sc.resume();
      server.idle.push(sc);
    } else {
      sc.destroy();
    }
  }

  /** Drops the server connection of the current exchange (not reusable). */
  private dropServer(countError: boolean): void {
    const sc = this.sc;
    if (!sc) return;
    if (countError) {
      this.be && this.be.counters.errResp++;
      sc.server.counters.errResp++;
    }
    this.releaseServer(false);
  }

  onServerEnd(): void {
    if (this.st === St.Tunnel) {
      this.client.end();
      return;
    }
    if (this.st !== St.Forward) return;
    if (this.res && this.resBody === Body.Close) {
      this.serverTainted = true;
      this.responseDone();
      if (!this.reqDone) this.end('-', '-', undefined, true);
      return;
    }
    this.serverGone('reset', 'server closed');
  }

  onServerError(err: NodeJS.ErrnoException): void {
    if (this.st === St.Tunnel) {
      this.end('S', 'D', err.code ?? 'server error');
      return;
    }
    if (this.st !== St.Forward) return;
    this.serverGone(classifyError(err), err.code ?? 'server error');
  }

  onServerClose(): void {
    if (this.st === St.Tunnel) {
      this.end(this.cause, 'D', this.reason, true);
      return;
    }
    if (this.st === St.Forward && this.sc) this.serverGone('reset', 'server closed');
  }

  /** Server connection ended/reset without completing the response. */
  private serverGone(kind: PassiveFailure, reason: string): void {
    if (this.resDone) {
      // The response is complete (the server answered early, e.g. 413, and closed): the rest of
      // the request body has nowhere to go; close the client connection cleanly.
      this.end('-', '-', undefined, true);
      return;
    }
    const sc = this.sc;
    if (!this.res && !this.resBuf) {
      // No response byte yet. Replay idempotent, bodiless requests (on a fresh connection).
      const req = this.req!;
      const be = this.be!;
      const server = this.server!;
      const replayable = this.reqBody === Body.None && isIdempotent(req.method);
      if (sc) {
        sc.owner = undefined;
        this.sc = undefined;
        server.release();
        server.counters.sessCur--;
        sc.destroy();
      }
      // A stale pooled connection closed by the server is not a sign of a dead server.
      const stalePooled = (sc?.uses ?? 1) > 1 && kind === 'reset';
      if (replayable) {
        if (stalePooled) {
          this.connectTo(server);
          return;
        }
        const next = nextAfterFailure(be, this.ctx.health, this.dispatchState(be), server, kind, this.clientAddr);
        if (next) {
          this.connectTo(next);
          return;
        }
      } else if (!stalePooled) {
        this.ctx.health.reportPassive(be.name, server.name, kind);
      }
      be.counters.errResp++;
      server.counters.errResp++;
      this.sendError(502, 'S', 'H', `${reason} before response`);
      return;
    }
    if (!this.res) {
      this.be!.counters.errResp++;
      this.server!.counters.errResp++;
      this.sendError(502, 'S', 'H', `${reason} during response head`);
      return;
    }
    // Mid-body: the client got a partial response; all we can do is cut it too.
    this.be!.counters.errResp++;
    this.server!.counters.errResp++;
    this.end('S', 'D', `${reason} during response body`);
  }

  onServerTimeout(): void {
    if (this.st === St.Tunnel) {
      this.end('s', 'D', 'tunnel timeout (server side)');
      return;
    }
    if (this.st !== St.Forward) return;
    this.be!.counters.errResp++;
    this.server!.counters.errResp++;
    this.ctx.health.reportPassive(this.be!.name, this.server!.name, 'timeout');
    if (!this.res) this.sendError(504, 's', 'H', 'server timeout');
    else this.end('s', 'D', 'server timeout during response body');
  }

  onServerDrain(): void {
    if (this.st === St.Forward && !this.reqDone) this.resumeClient();
    else if (this.st === St.Tunnel) this.resumeClient();
  }

  /** `buf` is the 101/2xx head plus any tunnel bytes the server sent right after it: all forwarded. */
  private startTunnel(buf: Buffer, head: ResponseHead): void {
    this.tResp = this.ctx.clock.now();
    this.res = head;
    this.status = head.status;
    this.st = St.Tunnel;
    this.reqDone = true;
    this.bytesOut += buf.length;
    this.client.write(buf);
    const tunnel = this.be!.cfg.timeouts.tunnel;
    if (tunnel) {
      this.client.setTimeout(tunnel);
      this.sc!.socket.setTimeout(tunnel);
    }
    if (this.buf && this.buf.length) {
      this.bytesIn += this.buf.length;
      this.sc!.socket.write(this.buf);
      this.buf = undefined;
    }
    this.resumeClient();
  }

  private pauseClient(): void {
    if (this.clientPaused) return;
    this.clientPaused = true;
    this.client.pause();
  }

  private resumeClient(): void {
    if (!this.clientPaused) return;
    this.clientPaused = false;
    this.client.resume();
  }

  // ---- endings -----------------------------------------------------------------------

  /** A request-side failure: answer with `status` if nothing was sent yet, else cut. */
  private requestFailed(status: number, cause: TermCause, phase: TermPhase, reason: string): void {
    if (!this.res) this.sendError(status, cause, phase, reason);
    else this.end(cause, phase, reason);
  }

  /** Sends an error response (or errorfile) and closes the client connection after it. */
  private sendError(status: number, cause: TermCause, phase: TermPhase, reason: string): void {
    if (this.st === St.Closing || this.st === St.Closed) return;
    if (this.leaveQueue()) phase = 'Q';
    this.dropServer(false);
    this.status = status;
    if (this.cause === '-') {
      this.cause = cause;
      this.phase = phase;
      this.reason = reason;
    }
    const body = errorResponse(status, this.be?.cfg.errorFiles, this.fe.cfg.errorFiles);
    this.bytesOut += body.length;
    this.st = St.Closing;
    this.logRequest();
    sendAndClose(this.client, body);
  }

  /** Ends the client connection (after flushing when `graceful`). */
  private end(cause: TermCause, phase: TermPhase, reason: string | undefined, graceful = false): void {
    if (this.st === St.Closing || this.st === St.Closed) return;
    if (this.leaveQueue()) phase = 'Q';
    if (this.cause === '-' && cause !== '-') {
      this.cause = cause;
      this.phase = phase;
      this.reason = reason;
    }
    const inExchange = this.req !== undefined || cause !== '-';
    this.dropServer(false);
    if (inExchange) this.logRequest();
    this.st = St.Closing;
    if (graceful || cause === '-') {
      this.client.end();
      this.client.once('finish', () => this.client.destroy());
    } else {
      this.client.destroy();
    }
  }

  private logged = false;

  private logRequest(): void {
    if (this.logged) return;
    const req = this.req;
    const be = this.be;
    if (this.status) {
      countStatus(this.fe.counters, this.status);
      if (be) countStatus(be.counters, this.status);
      if (this.server && this.status !== 503) countStatus(this.server.counters, this.status);
    }
    this.fe.counters.bytesIn += this.bytesIn;
    this.fe.counters.bytesOut += this.bytesOut;
    if (be) {
      be.counters.sessCur--;
      be.counters.bytesIn += this.bytesIn;
      be.counters.bytesOut += this.bytesOut;
    }
    if (this.server) {
      this.server.counters.bytesIn += this.bytesIn;
      this.server.counters.bytesOut += this.bytesOut;
    }
    this.logged = true;
    const logger = this.ctx.logger;
    const nothing = !req && this.bytesIn === 0;
    if (nothing && this.fe.cfg.log.dontlognull) return;
    if (!logger.isLevelEnabled('info')) return;
    const now = this.ctx.clock.now();
    const t0 = this.tReq;
    const rec: AccessLogRecord = {
      event: 'access',
      mode: 'http',
      frontend: this.fe.cfg.name,
      backend: be?.name ?? '-',
      server: this.server?.name ?? '-',
      client: (this.clientLabel ??= `${this.clientAddr}:${this.clientPort}`),
      connectMs: ms(t0, this.tConnect),
      responseMs: ms(t0, this.tResp),
      totalMs: ms(t0, now),
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      status: this.status || -1,
      termination: termCode(this.cause, this.cause === '-' ? '-' : this.phase),
      retries: this.ds?.retries ?? 0,
      redispatches: this.ds?.redispatches ?? 0,
    };
    if (req) {
      rec.method = req.method;
      rec.uri = req.target;
    }
    if (this.reason) rec.reason = this.reason;
    writeAccess(logger, rec);
  }

  private cleanup(): void {
    if (this.httpRequestTimer) clearTimeout(this.httpRequestTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.httpRequestTimer = undefined;
    this.idleTimer = undefined;
    this.dropServer(false);
    this.fe.counters.sessCur--;
    this.ctx.live.delete(this);
    this.ctx.sessionEnded(this.fe);
  }
}
