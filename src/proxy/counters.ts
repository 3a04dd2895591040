// Per frontend/backend/server counters, mutated in place by sessions (plain numbers: cheap on
// the hot path) and copied out by `stats()`. Names follow HAProxy's stats CSV where one exists
// (scur, stot, bin, bout, ereq, econ, eresp, wretr, wredis, hrsp_Nxx).

export interface Counters {
  /** Current sessions (tcp) / in-flight requests on a server (http). */
  sessCur: number;
  sessTotal: number;
  /** Bytes from clients (request side). */
  bytesIn: number;
  /** Bytes to clients (response side). */
  bytesOut: number;
  /** Bad/aborted requests (400, 408, 431, client aborts). */
  errReq: number;
  /** Connection failures to servers. */
  errConn: number;
  /** Bad or aborted responses (502, 504, server aborts mid-response). */
  errResp: number;
  retries: number;
  redispatches: number;
  /** HTTP requests served. */
  requests: number;
  http1xx: number;
  http2xx: number;
  http3xx: number;
  http4xx: number;
  http5xx: number;
  httpOther: number;
  /** Client connections closed unserved (accept failing with EMFILE, fallback hold full): `RR`. */
  refused: number;
  /** Times the frontend's listeners paused at maxconn (frontend's or global). */
  pauses: number;
  /** Requests/sessions that waited in the backend queue, and those that left it on `timeout queue` (503 `sQ`). */
  queued: number;
  queueTimeouts: number;
}

export function newCounters(): Counters {
  return {
    sessCur: 0,
    sessTotal: 0,
    bytesIn: 0,
    bytesOut: 0,
    errReq: 0,
    errConn: 0,
    errResp: 0,
    retries: 0,
    redispatches: 0,
    requests: 0,
    http1xx: 0,
    http2xx: 0,
    http3xx: 0,
    http4xx: 0,
    http5xx: 0,
    httpOther: 0,
    refused: 0,
    pauses: 0,
    queued: 0,
    queueTimeouts: 0,
  };
}

export function countStatus(c: Counters, status: number): void {
  if (status >= 200 && status < 300) c.http2xx++;
  else if (status >= 500 && status < 600) c.http5xx++;
  else if (status >= 400 && status < 500) c.http4xx++;
  else if (status >= 300 && status < 400) c.http3xx++;
  else if (status >= 100 && status < 200) c.http1xx++;
  else c.httpOther++;
}

export interface ServerStats extends Counters {
  readonly name: string;
  readonly status: 'UP' | 'DOWN' | 'MAINT';
  readonly idleConnections: number;
  /** Waiting in this server's own queue (`balance source` chose it while full), and the most ever. */
  readonly qcur: number;
  readonly qmax: number;
}

export interface BackendStats extends Counters {
  readonly name: string;
  /** Waiting in the backend queue now, and the most ever (HAProxy's qcur/qmax). */
  readonly qcur: number;
  readonly qmax: number;
  readonly servers: readonly ServerStats[];
}

export interface FrontendStats extends Counters {
  readonly name: string;
  readonly listening: readonly string[];
  /** Not accepting (at maxconn): new clients wait in the kernel's backlog. */
  readonly paused: boolean;
}

export interface ProxyStats {
  readonly frontends: readonly FrontendStats[];
  readonly backends: readonly BackendStats[];
  /** tcp sessions moved by the native relay (src/proxy/native-relay.ts): now, and since start. */
  readonly relayed?: { readonly current: number; readonly total: number };
}
