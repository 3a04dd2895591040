// The admin listener's timeouts, from the stats section's `timeout` lines (pure).
//
// HAProxy applies a stats section's client-side timeouts like any frontend's: `timeout
// http-request` bounds the wait for a complete request head (falling back to `timeout client`),
// `timeout http-keep-alive` the wait for the next request (falling back to `timeout
// http-request`). Node's http.Server enforces header and request timeouts only when a periodic
// check runs (`connectionsCheckingInterval`, 30 s by default), so a slow client could hold a
// connection ~40 s against a 10 s limit: the check interval is derived here so that a timeout
// fires at most a tenth of it late (50 ms .. 1 s).
import type { Timeouts } from '../config/model.js';

export interface AdminTimeouts {
  /** Complete request head (and request, the admin API takes no body) within this, else 408. */
  readonly headersMs: number;
  /** Idle keep-alive connection closed after this. */
  readonly keepAliveMs: number;
  /** Socket inactivity at any point (`timeout client`); 0: none beyond the two above. */
  readonly idleMs: number;
  /** How often Node checks header/request deadlines. */
  readonly checkEveryMs: number;
}

const DEFAULT_HEADERS_MS = 10_000;
const DEFAULT_KEEPALIVE_MS = 5_000;

export function adminTimeouts(t: Timeouts | undefined): AdminTimeouts {
  const headersMs = t?.httpRequest ?? t?.client ?? DEFAULT_HEADERS_MS;
  const keepAliveMs = t?.httpKeepAlive ?? t?.httpRequest ?? DEFAULT_KEEPALIVE_MS;
  const idleMs = t?.client ?? 0;
  const checkEveryMs = Math.min(1000, Math.max(50, Math.round(Math.min(headersMs, keepAliveMs) / 10)));
  return { headersMs, keepAliveMs, idleMs, checkEveryMs };
}
