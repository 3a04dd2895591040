// Server addresses from DNS: init-addr at start (HAProxy's `init-addr last,libc,none,<ip>`
// order), periodic re-resolution through a `resolvers` section, and the address change
// that follows (abort the in-flight check, tell listeners, re-check at once).
import { EVENT } from '../log/events.js';
import type { AddressResolver } from '../dns/resolver.js';
import { onDnsAnswer, resolvePeriod, type DnsAnswer } from '../dns/resolution.js';
import { applyAddress, recheckNow } from './rise-fall.js';
import type { MonitorContext } from './monitor-context.js';
import type { ServerRec } from './server-record.js';

export type AddressListener = (backend: string, server: string, address: string | undefined) => void;

export class AddressResolution {
  private readonly listeners = new Set<AddressListener>();

  constructor(
    private readonly ctx: MonitorContext,
    private readonly resolver: AddressResolver,
    /** Addresses known from a previous run, for `init-addr last`; key "backend/server". */
    private readonly lastAddresses: ReadonlyMap<string, string> | undefined,
  ) {}

  listen(listener: AddressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setAddress(r: ServerRec, address: string | undefined, reason: string): void {
    const { ctx } = this;
    const prev = r.address;
    if (prev === address) return;
    r.address = address;
    r.inflight?.abort();
    r.inflight = undefined;
    const be = r.backend.name;
    const sv = r.server.name;
    ctx.log.info(
      { event: EVENT.server_address, backend: be, server: sv, from: prev ?? null, to: address ?? null, reason },
      `${be}/${sv} changed its IP from ${prev ?? 'none'} to ${address ?? 'none'} (${reason})`,
    );
    for (const l of this.listeners) {
      try {
        l(be, sv, address);
      } catch (err) {
        ctx.log.error({ event: EVENT.health_listener_error, err }, 'address listener threw');
      }
    }
    const now = ctx.clock.now();
    if (prev === undefined || address === undefined) ctx.apply(r, applyAddress(r.cfg, r.state, address !== undefined, reason, now));
    else ctx.apply(r, { state: recheckNow(r.cfg, r.state, now) });
    ctx.arm();
  }

  async initAddress(r: ServerRec): Promise<void> {
    const { ctx } = this;
    const host = r.server.hostname!;
    const key = `${r.backend.name}/${r.server.name}`;
    const methods = r.server.initAddr.length ? r.server.initAddr : (['last', 'libc'] as const);
    let failure = 'DNS: no init-addr method succeeded';
    const found = (address: string, how: string): void => {
      r.dns = { address, lastValidAt: ctx.clock.now(), lastStatus: 'valid' };
      this.setAddress(r, address, `DNS: ${how} resolved ${host} to ${address}`);
      if (r.dnsSection) this.schedule(r, ctx.clock.now() + resolvePeriod(r.dnsSection));
    };
    for (const m of methods) {
      if (ctx.stopped()) return;
      if (m === 'last') {
        const last = this.lastAddresses?.get(key);
        if (last !== undefined) return found(last, 'init-addr last');
        continue;
      }
      if (m === 'none') {
        failure = 'DNS: init-addr none';
        break;
      }
      if (m === 'libc') {
        r.counters.dnsQueries++;
        const a = await this.resolver.lookup(host);
        if (ctx.stopped()) return;
        if (a.status === 'valid' && a.addresses.length) return found(a.addresses[0]!, 'init-addr libc');
        r.counters.dnsFailures++;
        failure = `DNS: libc could not resolve ${host} (${a.detail ?? a.status})`;
        continue;
      }
      return found(m.ip, 'init-addr ip');
    }
    // HAProxy refuses to start here; halb keeps the server DOWN and the daemon up.
    r.state = { ...r.state, reason: failure };
    ctx.log.warn({ event: EVENT.server_unresolved, backend: r.backend.name, server: r.server.name, hostname: host, reason: failure }, `${key} is DOWN, reason: ${failure}`);
    if (r.dnsSection) this.schedule(r, ctx.clock.now());
  }

  /** Periodic re-resolution through the server's `resolvers` section. */
  startQuery(r: ServerRec): void {
    const { ctx } = this;
    const section = r.dnsSection;
    if (!section) return;
    const ac = new AbortController();
    r.dnsInflight = ac;
    r.counters.dnsQueries++;
    ctx.track(
      this.resolver.query(section, r.server.hostname!, ac.signal).then((answer: DnsAnswer) => {
        if (r.dnsInflight === ac) r.dnsInflight = undefined;
        if (ctx.stopped() || ac.signal.aborted) return;
        if (answer.status !== 'valid') r.counters.dnsFailures++;
        const now = ctx.clock.now();
        const d = onDnsAnswer(r.dns, answer, section.hold, now);
        r.dns = d.track;
        if (answer.status !== 'valid') {
          ctx.log.debug({ event: EVENT.dns_failure, backend: r.backend.name, server: r.server.name, status: answer.status, detail: answer.detail }, 'DNS resolution failed');
        }
        if (d.change) this.setAddress(r, d.change.address, d.change.reason);
        else if (r.address === undefined && answer.status !== 'valid') r.state = { ...r.state, reason: `DNS: ${answer.status}` };
        this.schedule(r, now + resolvePeriod(section));
      }),
    );
  }

  private schedule(r: ServerRec, at: number): void {
    r.dnsNextAt = at;
    this.ctx.arm();
  }
}
