// The one validated, immutable config model. Every front end (halb.yaml, haproxy.cfg,
// keepalived.conf) produces this shape; the runtime reads only this. Durations are
// milliseconds, addresses are strings as the user wrote them after validation.
//
// Pure module: no node:* imports, so it can be shared by workers and tests.

import type { VrrpConfig } from './model-vrrp.js';

/** Where a value came from, for diagnostics and for the stats page. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col?: number;
}

export type Mode = 'tcp' | 'http';

export const BALANCE_ALGOS = ['roundrobin', 'static-rr', 'leastconn', 'source', 'first', 'random'] as const;
export type BalanceAlgo = (typeof BALANCE_ALGOS)[number];

export interface Balance {
  readonly algo: BalanceAlgo;
  /** HAProxy `hash-type`: only meaningful for `source`. halb's `source` is always consistent. */
  readonly hashType: 'map-based' | 'consistent';
}

/** HAProxy timeouts, in ms. `undefined` means "not set" (HAProxy then waits forever and warns). */
export interface Timeouts {
  readonly connect?: number;
  readonly client?: number;
  readonly server?: number;
  readonly check?: number;
  readonly httpRequest?: number;
  readonly httpKeepAlive?: number;
  readonly queue?: number;
  readonly tunnel?: number;
}

export interface Bind {
  /** '0.0.0.0', '::', or a literal address. `*` in haproxy.cfg becomes '0.0.0.0'. */
  readonly address: string;
  readonly port: number;
  readonly pos?: SourcePos;
}

export interface ForwardFor {
  /** CIDR whose clients get no header (`option forwardfor except 127.0.0.0/8`). */
  readonly except?: string;
  /** Header name; HAProxy's default is X-Forwarded-For. */
  readonly header: string;
}

export interface LogOptions {
  readonly httplog: boolean;
  readonly tcplog: boolean;
  /** Do not log sessions that carried no data (HAProxy `option dontlognull`). */
  readonly dontlognull: boolean;
}

export interface Frontend {
  readonly name: string;
  readonly mode: Mode;
  readonly binds: readonly Bind[];
  readonly defaultBackend?: string;
  readonly timeouts: Timeouts;
  readonly forwardFor?: ForwardFor;
  readonly httpServerClose: boolean;
  readonly log: LogOptions;
  readonly maxconn?: number;
  /** status code -> file body (already read, so a bad path is a config error, not a runtime one). */
  readonly errorFiles: Readonly<Record<number, ErrorFile>>;
  readonly pos?: SourcePos;
}

export interface ErrorFile {
  readonly path: string;
  /** Raw HTTP response as in HAProxy errorfiles: status line, headers, blank line, body. */
  readonly content: string;
}

/** `http-check expect [!] status|rstatus <value>` */
export interface HttpExpect {
  readonly negate: boolean;
  readonly kind: 'status' | 'rstatus';
  /** For `status`: a code or comma list/range as HAProxy accepts ("200", "200-399"); for `rstatus`: a regex source. */
  readonly value: string;
}

export type TcpCheckStep =
  | { readonly kind: 'connect'; readonly port?: number; readonly ssl: boolean }
  | { readonly kind: 'send'; readonly data: string }
  | { readonly kind: 'send-binary'; readonly hex: string }
  | { readonly kind: 'expect'; readonly negate: boolean; readonly match: 'string' | 'rstring' | 'binary'; readonly pattern: string };

export type HealthCheckSpec =
  | { readonly type: 'tcp' }
  | { readonly type: 'tcp-check'; readonly steps: readonly TcpCheckStep[] }
  | {
      readonly type: 'http';
      readonly method: string;
      readonly uri: string;
      /** e.g. 'HTTP/1.1'; with `Host` header when given. */
      readonly version: string;
      readonly host?: string;
      readonly expect?: HttpExpect;
    }
  | { readonly type: 'ssl-hello' };

export type InitAddrMethod = 'last' | 'libc' | 'none' | { readonly ip: string };

export interface Server {
  readonly name: string;
  /** Literal IP after validation, or a hostname to resolve (then `hostname` is set too). */
  readonly address: string;
  readonly hostname?: string;
  readonly port: number;
  readonly weight: number;
  readonly backup: boolean;
  readonly disabled: boolean;
  readonly check: boolean;
  readonly checkPort?: number;
  readonly checkSsl: boolean;
  /** `verify none` is the only mode halb implements for checks today; kept for import fidelity. */
  readonly verify: 'none' | 'required';
  readonly inter: number;
  readonly fastinter?: number;
  readonly downinter?: number;
  readonly rise: number;
  readonly fall: number;
  readonly maxconn?: number;
  /** Bound of this server's own queue (HAProxy `maxqueue`; 0 or unset = unbounded). */
  readonly maxqueue?: number;
  readonly resolvers?: string;
  readonly initAddr: readonly InitAddrMethod[];
  readonly pos?: SourcePos;
}

export interface Backend {
  readonly name: string;
  readonly mode: Mode;
  readonly balance: Balance;
  readonly servers: readonly Server[];
  readonly allBackups: boolean;
  readonly redispatch: boolean;
  /** Connection retries after the first attempt (HAProxy `retries`, default 3). */
  readonly retries: number;
  readonly timeouts: Timeouts;
  readonly healthCheck: HealthCheckSpec;
  readonly forwardFor?: ForwardFor;
  readonly httpServerClose: boolean;
  readonly errorFiles: Readonly<Record<number, ErrorFile>>;
  readonly pos?: SourcePos;
}

export interface Nameserver {
  readonly name: string;
  readonly address: string;
  readonly port: number;
}

export interface Resolvers {
  readonly name: string;
  readonly nameservers: readonly Nameserver[];
  readonly resolveRetries: number;
  readonly timeoutRetry: number;
  readonly hold: {
    readonly valid: number;
    readonly nx: number;
    readonly other: number;
    readonly refused: number;
    readonly timeout: number;
  };
  readonly pos?: SourcePos;
}

export interface StatsPage {
  readonly name: string;
  readonly binds: readonly Bind[];
  readonly uri: string;
  readonly auth: readonly { readonly user: string; readonly password: string }[];
  /** Auto-refresh period in ms, if any. */
  readonly refresh?: number;
  readonly hideVersion: boolean;
  /**
   * `timeout client`, `timeout http-request`, `timeout http-keep-alive` of the stats section (or
   * its defaults), enforced on the admin listener as on a frontend; unset ones fall back to 10 s / 5 s.
   */
  readonly timeouts?: Timeouts;
  readonly pos?: SourcePos;
}

export interface Global {
  readonly maxconn?: number;
  /** `stats socket <path>`: the admin socket, kept for the admin API to come. */
  readonly statsSocket?: { readonly path: string; readonly level?: string; readonly pos?: SourcePos };
}

export interface HalbConfig {
  readonly global: Global;
  readonly frontends: readonly Frontend[];
  readonly backends: readonly Backend[];
  readonly resolvers: readonly Resolvers[];
  readonly stats: readonly StatsPage[];
  readonly vrrp: VrrpConfig;
}

/** Deep-freeze so nobody mutates the model at runtime; reload builds a new one and diffs. */
export function freezeConfig<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) freezeConfig(v);
  }
  return value;
}
