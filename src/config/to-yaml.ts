// Model -> halb.yaml text (for `halb import`). Values equal to the schema defaults are left
// out so the output reads like a hand-written file; loading it gives the same model back
// (test/unit/config/round-trip.test.ts). Pure module.
import { stringify } from 'yaml';
import type { Backend, Bind, Frontend, HalbConfig, HealthCheckSpec, Resolvers, Server, StatsPage, Timeouts } from './model.js';
import type { GarpSettings, VirtualAddress, VrrpConfig, VrrpInstance, TrackRef } from './model-vrrp.js';
import { DEFAULT_GARP } from './model-vrrp.js';
import { formatDuration } from './units.js';

type Obj = Record<string, unknown>;

export function toYaml(cfg: HalbConfig, opts: { header?: string } = {}): string {
  const out: Obj = {};
  const global = omit({ maxconn: cfg.global.maxconn, statsSocket: cfg.global.statsSocket ? omit({ path: cfg.global.statsSocket.path, level: cfg.global.statsSocket.level }) : undefined });
  if (Object.keys(global).length) out.global = global;
  if (cfg.frontends.length) out.frontends = cfg.frontends.map(frontend);
  if (cfg.backends.length) out.backends = cfg.backends.map(backend);
  if (cfg.resolvers.length) out.resolvers = cfg.resolvers.map(resolvers);
  if (cfg.stats.length) out.stats = cfg.stats.map(stats);
  const v = vrrp(cfg.vrrp);
  if (v) out.vrrp = v;
  const header = opts.header
    ? opts.header
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n') + '\n'
    : '';
  return header + stringify(out, { lineWidth: 0 });
}

function omit(o: Obj): Obj {
  const r: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) r[k] = v;
  return r;
}
const dur = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : formatDuration(ms));
const unless = <T>(v: T, def: T): T | undefined => (v === def ? undefined : v);

function bind(b: Bind): string {
  return b.address.includes(':') ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`;
}

function timeouts(t: Timeouts): Obj | undefined {
  const o = omit(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, dur(v as number | undefined)])));
  return Object.keys(o).length ? o : undefined;
}

function errorFiles(e: Frontend['errorFiles']): Obj | undefined {
  const entries = Object.entries(e);
  return entries.length ? Object.fromEntries(entries.map(([code, f]) => [code, f.path])) : undefined;
}

function forwardFor(f: Frontend['forwardFor']): Obj | undefined {
  return f ? omit({ except: f.except, header: unless(f.header, 'X-Forwarded-For') }) : undefined;
}

function frontend(f: Frontend): Obj {
  const log = omit({ httplog: f.log.httplog || undefined, tcplog: f.log.tcplog || undefined, dontlognull: f.log.dontlognull || undefined });
  return omit({
    name: f.name,
    mode: unless(f.mode, 'tcp'),
    binds: f.binds.map(bind),
    defaultBackend: f.defaultBackend,
    timeouts: timeouts(f.timeouts),
    forwardFor: forwardFor(f.forwardFor),
    httpServerClose: f.httpServerClose || undefined,
    log: Object.keys(log).length ? log : undefined,
    maxconn: f.maxconn,
    errorFiles: errorFiles(f.errorFiles),
  });
}

function healthCheck(h: HealthCheckSpec): Obj | undefined {
  switch (h.type) {
    case 'tcp':
      return undefined;
    case 'ssl-hello':
      return { type: 'ssl-hello' };
    case 'tcp-check':
      return {
        type: 'tcp-check',
        steps: h.steps.map((s) =>
          s.kind === 'connect'
            ? omit({ kind: s.kind, port: s.port, ssl: s.ssl || undefined })
            : s.kind === 'expect'
              ? omit({ kind: s.kind, negate: s.negate || undefined, match: s.match, pattern: s.pattern })
              : { ...s },
        ),
      };
    case 'http':
      return omit({
        type: 'http',
        method: unless(h.method, 'OPTIONS'),
        uri: unless(h.uri, '/'),
        version: unless(h.version, 'HTTP/1.0'),
        host: h.host,
        expect: h.expect ? omit({ negate: h.expect.negate || undefined, kind: h.expect.kind, value: h.expect.value }) : undefined,
      });
  }
}

function server(s: Server): Obj {
  const initAddr = s.initAddr.map((m) => (typeof m === 'string' ? m : m.ip));
  return omit({
    name: s.name,
    address: s.address,
    port: s.port,
    weight: unless(s.weight, 1),
    backup: s.backup || undefined,
    disabled: s.disabled || undefined,
    check: s.check || undefined,
    checkPort: s.checkPort,
    checkSsl: s.checkSsl || undefined,
    verify: unless(s.verify, 'required'),
    inter: s.inter === 2000 ? undefined : dur(s.inter),
    fastinter: dur(s.fastinter),
    downinter: dur(s.downinter),
    rise: unless(s.rise, 2),
    fall: unless(s.fall, 3),
    maxconn: s.maxconn,
    resolvers: s.resolvers,
    initAddr: initAddr.join(',') === 'last,libc' ? undefined : initAddr,
  });
}

function backend(b: Backend): Obj {
  const balance = b.balance.hashType === 'map-based' ? unless<string>(b.balance.algo, 'roundrobin') : { algo: b.balance.algo, hashType: b.balance.hashType };
  return omit({
    name: b.name,
    mode: unless(b.mode, 'tcp'),
    balance,
    allBackups: b.allBackups || undefined,
    redispatch: b.redispatch || undefined,
    retries: unless(b.retries, 3),
    timeouts: timeouts(b.timeouts),
    healthCheck: healthCheck(b.healthCheck),
    forwardFor: forwardFor(b.forwardFor),
    httpServerClose: b.httpServerClose || undefined,
    errorFiles: errorFiles(b.errorFiles),
    servers: b.servers.map(server),
  });
}

function resolvers(r: Resolvers): Obj {
  const defHold = { valid: 10_000, nx: 30_000, other: 30_000, refused: 30_000, timeout: 30_000 };
  const hold = omit(Object.fromEntries(Object.entries(r.hold).map(([k, v]) => [k, v === defHold[k as keyof typeof defHold] ? undefined : dur(v)])));
  return omit({
    name: r.name,
    nameservers: r.nameservers.map((n) => omit({ name: n.name, address: n.address, port: unless(n.port, 53) })),
    resolveRetries: unless(r.resolveRetries, 3),
    timeoutRetry: r.timeoutRetry === 1000 ? undefined : dur(r.timeoutRetry),
    hold: Object.keys(hold).length ? hold : undefined,
  });
}

function stats(s: StatsPage): Obj {
  return omit({
    name: s.name,
    binds: s.binds.map(bind),
    uri: unless(s.uri, '/haproxy?stats'),
    auth: s.auth.length ? s.auth.map((a) => ({ ...a })) : undefined,
    refresh: dur(s.refresh),
    hideVersion: s.hideVersion || undefined,
    timeouts: s.timeouts ? timeouts(s.timeouts) : undefined,
  });
}

function garpDiff(g: GarpSettings, base: GarpSettings): Obj | undefined {
  const o: Obj = {};
  for (const k of Object.keys({ ...base, ...g }) as (keyof GarpSettings)[]) {
    if (g[k] !== base[k] && g[k] !== undefined) o[k] = k === 'masterRepeat' || k === 'masterRefreshRepeat' || k === 'lowerPriorityRepeat' ? g[k] : dur(g[k]);
  }
  return Object.keys(o).length ? o : undefined;
}

function vip(v: VirtualAddress): unknown {
  const addr = v.address.includes('/') ? v.address : `${v.address}/${v.prefix}`;
  return v.dev === undefined && v.label === undefined && v.broadcast === undefined && v.scope === undefined
    ? addr
    : omit({ address: addr, dev: v.dev, label: v.label, broadcast: v.broadcast, scope: v.scope });
}

function track(t: TrackRef): unknown {
  return t.weight === undefined && t.reverse === undefined ? t.name : omit({ name: t.name, weight: t.weight, reverse: t.reverse });
}

function notify(n: VrrpInstance['notify']): Obj | undefined {
  const users = n.users
    ? Object.fromEntries(
        Object.entries(n.users)
          .filter(([, u]) => u !== undefined)
          .map(([k, u]) => [k, omit({ ...u })]),
      )
    : undefined;
  const o = omit({ ...n, users });
  return Object.keys(o).length ? o : undefined;
}

function vrrp(v: VrrpConfig): Obj | undefined {
  const g = v.globals;
  const globals = omit({
    routerId: g.routerId,
    enableScriptSecurity: g.enableScriptSecurity || undefined,
    scriptUser: g.scriptUser ? omit({ ...g.scriptUser }) : undefined,
    garp: garpDiff(g.garp, DEFAULT_GARP),
  });
  const out = omit({
    globals: Object.keys(globals).length ? globals : undefined,
    scripts: v.scripts.length
      ? v.scripts.map((s) =>
          omit({
            name: s.name,
            script: s.script,
            interval: s.interval === 1000 ? undefined : dur(s.interval),
            timeout: dur(s.timeout),
            fall: unless(s.fall, 1),
            rise: unless(s.rise, 1),
            weight: unless(s.weight, 0),
            weightReverse: s.weightReverse || undefined,
            user: s.user ? omit({ ...s.user }) : undefined,
            initFail: s.initFail,
          }),
        )
      : undefined,
    trackFiles: v.trackFiles.length
      ? v.trackFiles.map((t) => omit({ name: t.name, path: t.path, weight: unless(t.weight, 1), weightReverse: t.weightReverse, init: t.init ? { ...t.init } : undefined }))
      : undefined,
    instances: v.instances.length
      ? v.instances.map((i) =>
          omit({
            name: i.name,
            initialState: unless(i.initialState, 'BACKUP'),
            interface: i.interface,
            vrid: i.vrid,
            priority: unless(i.priority, 100),
            advertInt: i.advertInt === 1000 ? undefined : dur(i.advertInt),
            version: unless(i.version, 2),
            family: i.virtualAddresses[0]?.family === i.family ? undefined : i.family,
            nopreempt: i.nopreempt || undefined,
            preemptDelay: i.preemptDelay === 0 ? undefined : dur(i.preemptDelay),
            unicastSrcIp: i.unicastSrcIp,
            unicastPeers: i.unicastPeers.length ? [...i.unicastPeers] : undefined,
            auth: i.auth ? { ...i.auth } : undefined,
            virtualAddresses: i.virtualAddresses.map(vip),
            virtualAddressesExcluded: i.virtualAddressesExcluded.length ? i.virtualAddressesExcluded.map(vip) : undefined,
            trackScripts: i.trackScripts.length ? i.trackScripts.map(track) : undefined,
            trackInterfaces: i.trackInterfaces.length ? i.trackInterfaces.map(track) : undefined,
            trackFiles: i.trackFiles.length ? i.trackFiles.map(track) : undefined,
            notify: notify(i.notify),
            checksumPseudoHeader: i.checksumPseudoHeader ? undefined : false,
            garp: garpDiff(i.garp, g.garp),
            dontTrackPrimary: i.dontTrackPrimary,
          }),
        )
      : undefined,
    syncGroups: v.syncGroups.length ? v.syncGroups.map((s) => omit({ name: s.name, members: [...s.members], notify: notify(s.notify) })) : undefined,
  });
  return Object.keys(out).length ? out : undefined;
}
