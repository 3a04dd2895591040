// Address resolution adapters: libc (getaddrinfo via dns.lookup, for
// `init-addr libc`) and a `resolvers` section's nameservers queried over UDP with a
// node:dns Resolver pointed at exactly those servers (never the system's).

import dns from 'node:dns';
import net from 'node:net';
import type { Resolvers } from '../config/model.js';
import type { DnsAnswer, DnsStatus } from './resolution.js';

export interface AddressResolver {
  /** libc resolution (`init-addr libc`): /etc/hosts, then the system's DNS. */
  lookup(host: string, signal?: AbortSignal): Promise<DnsAnswer>;
  /**
   * Ask a `resolvers` section's nameservers: A, then AAAA when the name has no A record.
   * (HAProxy's `resolve-prefer` defaults to ipv6; halb prefers IPv4 because the model has
   * no resolve-prefer yet and its users' control planes are IPv4 — a dual-stack name
   * therefore resolves to its IPv4 address.)
   */
  query(section: Resolvers, host: string, signal?: AbortSignal): Promise<DnsAnswer>;
  close(): void;
}

function statusOf(code: string | undefined): DnsStatus {
  switch (code) {
    case dns.NOTFOUND:
      return 'nx';
    case dns.REFUSED:
      return 'refused';
    case dns.TIMEOUT:
    case 'EAI_AGAIN':
      return 'timeout';
    default:
      return 'other';
  }
}

function failure(err: unknown): DnsAnswer {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  return { status: statusOf(code), addresses: [], detail: code ?? String(err) };
}

function serverSpec(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

export function createAddressResolver(): AddressResolver {
  const bySection = new Map<string, dns.promises.Resolver>();
  const resolverFor = (section: Resolvers): dns.promises.Resolver => {
    let r = bySection.get(section.name);
    if (!r) {
      // c-ares: `timeout` is the first per-try timeout (`timeout retry`), `tries` the
      // number of attempts per nameserver (`resolve_retries`).
      r = new dns.promises.Resolver({ timeout: Math.max(1, section.timeoutRetry), tries: Math.max(1, section.resolveRetries) });
      r.setServers(section.nameservers.map((ns) => serverSpec(ns.address, ns.port)));
      bySection.set(section.name, r);
    }
    return r;
  };
  return {
    async lookup(host) {
      try {
        const all = await dns.promises.lookup(host, { all: true, verbatim: true });
        if (all.length === 0) return { status: 'other', addresses: [], detail: 'no address' };
        return { status: 'valid', addresses: all.map((a) => a.address) };
      } catch (err) {
        return failure(err);
      }
    },
    async query(section, host, signal) {
      const r = resolverFor(section);
      const onAbort = (): void => r.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        try {
          const v4 = await r.resolve4(host);
          if (v4.length > 0) return { status: 'valid', addresses: v4 };
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== dns.NODATA) return failure(err);
        }
        try {
          const v6 = await r.resolve6(host);
          if (v6.length > 0) return { status: 'valid', addresses: v6 };
          return { status: 'other', addresses: [], detail: 'no A or AAAA record' };
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === dns.NODATA) return { status: 'other', addresses: [], detail: 'no A or AAAA record' };
          return failure(err);
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    close() {
      for (const r of bySection.values()) r.cancel();
      bySection.clear();
    },
  };
}
