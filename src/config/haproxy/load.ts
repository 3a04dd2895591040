// haproxy.cfg front end: lines -> sections -> the load-balancer half of the model.
// Every problem is collected into `diags` with file:line:col and the directive; nothing
// stops at the first error. Pure module: file contents and a readFile function come in.
//
// Semantics matched (HAProxy 2.6 configuration.txt):
//  - a `defaults` section starts from scratch (or from `defaults X from Y`), and each
//    proxy takes the last defaults section above it, or the one it names with `from`;
//  - `default-server` applies to the `server` lines that follow it;
//  - `listen X` is a frontend and a backend both named X;
//  - server defaults: inter 2000ms, rise 2, fall 3, weight 1; backend retries 3.
import { type Diagnostics, choiceHint, didYouMean } from '../diagnostics.js';
import type { Backend, BalanceAlgo, Bind, ErrorFile, Frontend, Global, HealthCheckSpec, Resolvers, Server, SourcePos, StatsPage, Timeouts } from '../model.js';
import { BALANCE_ALGOS } from '../model.js';
import { isHostname, isIp, parseBindAddress, splitHostPort } from '../address.js';
import { PathPositions, type Locator } from '../locate.js';
import { tokenizeLine, type LexProblem } from './tokenize.js';
import { CONFIG_LIMITS, longLineMessage, type ConfigFileReader } from '../limits.js';
import { LineContext } from './line-context.js';
import { globalLine, type GlobalState } from './global-section.js';
import { RESOLVERS_DEFAULTS, resolversLine, type ResolversDraft } from './resolvers-section.js';
import { cloneSettings, emptySettings, type ProxySettings, type ServerParams } from './settings.js';
import { PROXY_KEYWORDS, type ProxyParsers } from './proxy-keywords.js';
import { parseServerParams } from './server-params.js';
import {
  BIND_ERROR,
  BIND_WARN_ARG,
  BIND_WARN_FLAG,
  LOG_NOTE,
  OPTION_ERROR,
  OPTION_WARN,
  OPTIONS_IMPLEMENTED,
  OTHER_SECTIONS,
  PROXY_ERROR,
  PROXY_NOTE,
  PROXY_SECTIONS,
  PROXY_WARN,
  TIMEOUT_WARN,
  TIMEOUTS_IMPLEMENTED,
} from './keywords.js';

export interface HaproxyLoadOptions {
  /** Reads an `errorfile` (kind 'errorfile'); throws (any error) when the file cannot be read. */
  readFile: ConfigFileReader;
  /** For "${VAR}" expansion. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Longest line accepted (CONFIG_LIMITS.lineChars by default). */
  maxLineChars?: number;
}

/** The load-balancer half of HalbConfig. */
export interface LbConfig {
  global: Global;
  frontends: Frontend[];
  backends: Backend[];
  resolvers: Resolvers[];
  stats: StatsPage[];
}

export interface HaproxyLoadResult {
  readonly lb: LbConfig;
  readonly locate: Locator;
}

/** HAProxy defaults (configuration.txt §5.2 `inter`, `rise`, `fall`, `weight`; §4 `retries`). */
const SERVER_DEFAULTS = { inter: 2000, rise: 2, fall: 3, weight: 1 } as const;
const DEFAULT_RETRIES = 3;
const DEFAULT_STATS_URI = '/haproxy?stats';
/** HAProxy `init-addr` default is "last,libc". */
const DEFAULT_INIT_ADDR = ['last', 'libc'] as const;
/** Status codes HAProxy accepts in `errorfile`. */
export const ERRORFILE_CODES = [200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504];

export type Cap = 'F' | 'B' | 'FB';
const OPTION_CAP: Record<string, Cap> = {
  allbackups: 'B',
  redispatch: 'B',
  httpchk: 'B',
  'tcp-check': 'B',
  'ssl-hello-chk': 'B',
  forwardfor: 'FB',
  httplog: 'F',
  tcplog: 'F',
  dontlognull: 'F',
  'http-server-close': 'FB',
};
const TIMEOUT_CAP: Record<string, Cap> = {
  client: 'F',
  'http-request': 'FB',
  'http-keep-alive': 'FB',
  connect: 'B',
  server: 'B',
  check: 'B',
  queue: 'B',
  tunnel: 'B',
};
const TIMEOUT_KEY: Record<string, keyof Timeouts> = {
  connect: 'connect',
  client: 'client',
  server: 'server',
  check: 'check',
  'http-request': 'httpRequest',
  'http-keep-alive': 'httpKeepAlive',
  queue: 'queue',
  tunnel: 'tunnel',
};
const FRONT_TIMEOUTS: (keyof Timeouts)[] = ['client', 'httpRequest', 'httpKeepAlive'];
const BACK_TIMEOUTS: (keyof Timeouts)[] = ['connect', 'server', 'check', 'queue', 'tunnel', 'httpRequest', 'httpKeepAlive'];

export type ProxyKind = 'defaults' | 'frontend' | 'backend' | 'listen';

interface ServerDraft {
  server: Omit<Server, 'pos'>;
  pos: SourcePos;
  resolversPos?: SourcePos;
}

export interface ProxySection {
  kind: ProxyKind;
  name: string;
  pos: SourcePos;
  settings: ProxySettings;
  binds: Bind[];
  servers: ServerDraft[];
}

type Section = { kind: 'global' } | { kind: 'proxy'; proxy: ProxySection } | { kind: 'resolvers'; r: ResolversDraft } | { kind: 'skip' };

export function loadHaproxy(file: string, text: string, diags: Diagnostics, opts: HaproxyLoadOptions): HaproxyLoadResult {
  return new HaproxyLoader(file, diags, opts).load(text);
}

class HaproxyLoader implements ProxyParsers {
  private readonly global: GlobalState;
  private readonly proxies: ProxySection[] = [];
  private readonly resolvers: ResolversDraft[] = [];
  private readonly namedDefaults = new Map<string, ProxySection>();
  private lastDefaults: ProxySection | undefined;
  private seenGlobal?: SourcePos;
  /** For "${.SECTION}". */
  private sectionName = '';
  private readonly maxLineChars: number;

  constructor(
    private readonly file: string,
    private readonly diags: Diagnostics,
    private readonly opts: HaproxyLoadOptions,
  ) {
    this.global = { env: { ...(opts.env ?? {}) }, verify: 'required' };
    this.maxLineChars = opts.maxLineChars ?? CONFIG_LIMITS.lineChars;
  }

  load(text: string): HaproxyLoadResult {
    const raw = text.split(/\r?\n/);
    let section: Section | undefined;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i]!.length > this.maxLineChars) {
        this.diags.error(this.file, i + 1, longLineMessage(raw[i]!.length, this.maxLineChars));
        continue;
      }
      const problems: LexProblem[] = [];
      const words = tokenizeLine(raw[i]!, i + 1, this.global.env, problems, { file: this.file, section: this.sectionName });
      for (const p of problems) this.diags.add({ severity: p.severity, file: this.file, line: p.line, col: p.col, message: p.message });
      if (words.length === 0) continue;
      const head = words[0]!.text;
      const ctx = new LineContext(this.diags, this.file, i + 1, words, head);
      if (PROXY_SECTIONS.includes(head) || OTHER_SECTIONS.has(head)) {
        this.sectionName = words[1]?.text ?? head;
        section = this.openSection(ctx);
        continue;
      }
      if (!section) {
        ctx.error(0, `'${head}' appears before any section`, didYouMean(head, [...PROXY_SECTIONS, ...OTHER_SECTIONS]));
        continue;
      }
      switch (section.kind) {
        case 'global':
          globalLine(this.global, ctx);
          break;
        case 'proxy':
          this.proxyLine(section.proxy, ctx);
          break;
        case 'resolvers':
          resolversLine(section.r, ctx);
          break;
        case 'skip':
          break;
      }
    }
    return this.build();
  }

  // ---- sections -------------------------------------------------------------------------

  private openSection(ctx: LineContext): Section {
    const kind = ctx.words[0]!.text;
    const pos = ctx.pos;
    if (OTHER_SECTIONS.has(kind)) {
      ctx.warning(0, `section '${kind}' is not supported; its content is ignored`);
      return { kind: 'skip' };
    }
    if (kind === 'global') {
      if (this.seenGlobal) ctx.note(0, `second 'global' section; its settings are merged with the first (line ${this.seenGlobal.line})`);
      this.seenGlobal ??= pos;
      ctx.noMore(1);
      return { kind: 'global' };
    }
    if (kind === 'resolvers') {
      const name = ctx.need(1, 'resolvers section name') ?? '';
      this.checkName(ctx, name);
      ctx.noMore(2);
      const r: ResolversDraft = {
        name,
        pos,
        nameservers: [],
        resolveRetries: RESOLVERS_DEFAULTS.resolveRetries,
        timeoutRetry: RESOLVERS_DEFAULTS.timeoutRetry,
        hold: { ...RESOLVERS_DEFAULTS.hold },
      };
      this.resolvers.push(r);
      return { kind: 'resolvers', r };
    }
    const pkind = kind as ProxyKind;
    // `defaults [NAME] [from X]`, `frontend NAME [from X]`, `listen NAME [addr:port] [from X]`
    const args = ctx.words.slice(1).map((w) => w.text);
    let name = '';
    let fromName: string | undefined;
    let legacyBind: number | undefined;
    let i = 1;
    if (args.length > 0 && args[0] !== 'from') {
      name = args[0]!;
      i = 2;
    }
    if (pkind !== 'defaults' && name === '') ctx.error(0, `${kind} section needs a name`);
    if (name !== '') this.checkName(ctx, name);
    if (pkind === 'listen' && ctx.arg(i) !== undefined && ctx.arg(i) !== 'from') legacyBind = i++;
    if (ctx.arg(i) === 'from') {
      fromName = ctx.need(i + 1, "defaults section name after 'from'");
      i += 2;
    }
    ctx.noMore(i);

    let base: ProxySection | undefined = this.lastDefaults;
    if (fromName !== undefined) {
      base = this.namedDefaults.get(fromName);
      if (!base) ctx.error(i - 1, `no defaults section named '${fromName}' above this line`, didYouMean(fromName, this.namedDefaults.keys()));
    }
    // A new defaults section does not inherit the previous one: HAProxy resets defaults at
    // each `defaults` keyword unless `from` is used.
    const settings = pkind === 'defaults' && fromName === undefined ? emptySettings() : base ? cloneSettings(base.settings) : emptySettings();
    const proxy: ProxySection = { kind: pkind, name, pos, settings, binds: [], servers: [] };
    if (pkind === 'defaults') {
      if (name !== '') {
        const prev = this.namedDefaults.get(name);
        if (prev) ctx.error(1, `duplicate defaults section '${name}' (first at line ${prev.pos.line})`);
        this.namedDefaults.set(name, proxy);
      }
      this.lastDefaults = proxy;
    } else {
      this.proxies.push(proxy);
    }
    if (legacyBind !== undefined) {
      ctx.directive = 'listen';
      this.addBinds(proxy, ctx, legacyBind, false);
    }
    return { kind: 'proxy', proxy };
  }

  private checkName(ctx: LineContext, name: string): void {
    // HAProxy: names may contain letters, digits, '-', '_', '.', ':'.
    if (!/^[A-Za-z0-9_.:-]+$/.test(name)) ctx.error(1, `invalid name '${name}' (letters, digits, '-', '_', '.', ':' only)`);
  }

  // ---- global ---------------------------------------------------------------------------

  // ---- resolvers ------------------------------------------------------------------------

  // ---- proxies --------------------------------------------------------------------------

  private proxyLine(p: ProxySection, ctx: LineContext): void {
    let kw = ctx.words[0]!.text;
    let base = 0;
    let negate = false;
    if (kw === 'no' && ctx.arg(1) !== undefined) {
      negate = true;
      base = 1;
      kw = ctx.arg(1)!;
      ctx.directive = `no ${kw}`;
    }
    if (negate && kw !== 'option' && kw !== 'log') {
      return ctx.error(0, `'no' can only prefix 'option' or 'log' here`);
    }
    if (kw === 'log') return ctx.note(base, LOG_NOTE);
    if (PROXY_NOTE.has(kw)) return ctx.note(base, 'has no effect in halb; accepted');
    const row = Object.hasOwn(PROXY_KEYWORDS, kw) ? PROXY_KEYWORDS[kw] : undefined;
    if (row?.cap !== undefined && !this.capOk(p, ctx, row.cap, base)) return;
    if (row?.parse) return row.parse(this, p, ctx, base, negate);

    const two = `${kw} ${ctx.arg(1) ?? ''}`;
    // Own keys only: a word such as 'constructor' or 'toString' is an unknown keyword, not an Object member.
    const has = Object.hasOwn;
    if (has(PROXY_ERROR, two) || has(PROXY_WARN, two)) ctx.directive = two;
    if (has(PROXY_ERROR, two)) return ctx.error(0, PROXY_ERROR[two]!);
    if (has(PROXY_WARN, two)) return ctx.warning(0, `ignored: ${PROXY_WARN[two]}`);
    if (has(PROXY_ERROR, kw)) return ctx.error(0, PROXY_ERROR[kw]!);
    if (has(PROXY_WARN, kw)) return ctx.warning(0, `ignored: ${PROXY_WARN[kw]}`);
    ctx.error(0, `unknown keyword '${kw}' in ${p.kind} section`, didYouMean(kw, [...Object.keys(PROXY_KEYWORDS), ...Object.keys(PROXY_WARN), ...Object.keys(PROXY_ERROR), ...PROXY_SECTIONS]));
  }

  /** HAProxy warns and ignores a keyword the section has no capability for. */
  private capOk(p: ProxySection, ctx: LineContext, cap: Cap, at: number): boolean {
    if (p.kind === 'defaults' || p.kind === 'listen') return true;
    const has = p.kind === 'frontend' ? 'F' : 'B';
    if (cap.includes(has)) return true;
    const side = cap === 'F' ? 'frontend' : 'backend';
    ctx.warning(at, `ignored: a ${side} setting in ${p.kind} '${p.name}'`);
    return false;
  }

  addBinds(p: ProxySection, ctx: LineContext, at: number, options: boolean): void {
    const spec = ctx.need(at, 'address:port');
    if (spec === undefined) return;
    // HAProxy accepts a comma-separated list of addresses on one bind line.
    for (const one of spec.split(',')) {
      const r = parseBindAddress(one);
      if (!r.ok) ctx.error(at, r.reason);
      else p.binds.push({ address: r.value.address, port: r.value.port, pos: { file: this.file, line: ctx.line, col: ctx.col(at) } });
    }
    if (!options) return;
    for (let i = at + 1; i < ctx.words.length; i++) {
      const o = ctx.arg(i)!;
      if (Object.hasOwn(BIND_ERROR, o)) {
        ctx.error(i, `bind option '${o}': ${BIND_ERROR[o]}`);
        if (o === 'crt' || o === 'crt-list' || o === 'namespace') i++;
      } else if (Object.hasOwn(BIND_WARN_ARG, o)) {
        ctx.warning(i, `bind option '${o}' ignored: ${BIND_WARN_ARG[o]}`);
        i++;
      } else if (Object.hasOwn(BIND_WARN_FLAG, o)) {
        ctx.warning(i, `bind option '${o}' ignored: ${BIND_WARN_FLAG[o]}`);
      } else if (['ca-file', 'crl-file', 'verify', 'ciphers', 'ciphersuites', 'ssl-min-ver', 'ssl-max-ver', 'curves', 'ecdhe', 'npn', 'sni'].includes(o)) {
        ctx.error(i, `bind option '${o}': TLS termination is not supported (pass TLS through in tcp mode)`);
        i++;
      } else {
        ctx.error(i, `unknown bind option '${o}'`, didYouMean(o, [...Object.keys(BIND_WARN_ARG), ...Object.keys(BIND_WARN_FLAG), ...Object.keys(BIND_ERROR)]));
      }
    }
  }

  balance(p: ProxySection, ctx: LineContext): void {
    const a = ctx.need(1, 'algorithm');
    if (a === undefined) return;
    const random = /^random(?:\((\d+)\))?$/.exec(a);
    if (random) {
      // halb's random is "power of two choices", HAProxy's default draws=2.
      if (random[1] !== undefined && random[1] !== '2') ctx.warning(1, `random(${random[1]}): halb always draws 2 servers`);
      p.settings.balance = 'random';
    } else if ((BALANCE_ALGOS as readonly string[]).includes(a)) {
      p.settings.balance = a as BalanceAlgo;
    } else if (['uri', 'url_param', 'rdp-cookie', 'hash'].includes(a) || a.startsWith('hdr(') || a.startsWith('rdp-cookie(')) {
      ctx.error(1, `balance '${a}' is not supported (supported: ${BALANCE_ALGOS.join(', ')})`);
      return;
    } else {
      ctx.error(1, `unknown balance algorithm '${a}'`, choiceHint(a, BALANCE_ALGOS));
      return;
    }
    ctx.noMore(2);
  }

  server(p: ProxySection, ctx: LineContext): void {
    const name = ctx.need(1, 'server name');
    const addr = ctx.need(2, 'server address');
    if (name === undefined || addr === undefined) return;
    const params: ServerParams = { ...p.settings.serverDefaults };
    parseServerParams(ctx, 3, params);
    const hp = splitHostPort(addr, { portRequired: false });
    if (!hp.ok) return ctx.error(2, hp.reason);
    const { host } = hp.value;
    let port = hp.value.port;
    if (port === undefined) {
      if (/[:]([+-]\d+)$/.test(addr)) return ctx.error(2, `port offsets ('${addr}') are not supported; give the port`);
      return ctx.error(2, `server '${name}' has no port: halb needs one (HAProxy would reuse the client's destination port)`);
    }
    let hostname: string | undefined;
    if (!isIp(host)) {
      if (!isHostname(host)) return ctx.error(2, `'${host}' is neither an IP address nor a valid host name`);
      hostname = host;
    }
    const server: Omit<Server, 'pos'> = {
      name,
      address: host,
      ...(hostname !== undefined ? { hostname } : {}),
      port,
      weight: params.weight ?? SERVER_DEFAULTS.weight,
      backup: params.backup ?? false,
      disabled: params.disabled ?? false,
      check: params.check ?? false,
      ...(params.checkPort !== undefined ? { checkPort: params.checkPort } : {}),
      checkSsl: params.checkSsl ?? false,
      verify: params.verify ?? this.global.verify,
      inter: params.inter ?? SERVER_DEFAULTS.inter,
      ...(params.fastinter !== undefined ? { fastinter: params.fastinter } : {}),
      ...(params.downinter !== undefined ? { downinter: params.downinter } : {}),
      rise: params.rise ?? SERVER_DEFAULTS.rise,
      fall: params.fall ?? SERVER_DEFAULTS.fall,
      ...(params.maxconn !== undefined ? { maxconn: params.maxconn } : {}),
      ...(params.maxqueue !== undefined ? { maxqueue: params.maxqueue } : {}),
      ...(params.resolvers !== undefined ? { resolvers: params.resolvers } : {}),
      initAddr: params.initAddr ?? [...DEFAULT_INIT_ADDR],
    };
    if (server.checkSsl && server.verify === 'required') {
      // HAProxy 2.6 refuses this the same way ("verify is enabled by default but no CA file
      // specified"); `ca-file` itself is refused in server-params.ts.
      ctx.error(0, `server '${name}': verify is enabled by default but no CA file is given; add 'verify none' (or 'ssl-server-verify none' in global)`);
    }
    p.servers.push({ server, pos: ctx.pos, ...(params.resolversPos ? { resolversPos: params.resolversPos } : {}) });
  }

  option(p: ProxySection, ctx: LineContext, at: number, negate: boolean): void {
    const o = ctx.need(at, 'option name');
    if (o === undefined) return;
    ctx.directive = `${negate ? 'no ' : ''}option ${o}`;
    const cap = Object.hasOwn(OPTION_CAP, o) ? OPTION_CAP[o] : undefined;
    if (cap !== undefined && !this.capOk(p, ctx, cap, 0)) return;
    const s = p.settings;
    switch (o) {
      case 'allbackups':
        s.allBackups = !negate;
        return ctx.noMore(at + 1);
      case 'redispatch':
        // `option redispatch <interval>`: halb has one interval, 1 (src/proxy/dispatch.ts): every
        // retry goes to another server, and a retry without the option leaves a server marked DOWN.
        if (ctx.arg(at + 1) !== undefined && !negate) ctx.warning(at + 1, 'redispatch interval ignored: halb redispatches on every retry (interval 1)');
        s.redispatch = !negate;
        return;
      case 'http-server-close':
        s.httpServerClose = !negate;
        return ctx.noMore(at + 1);
      case 'httplog':
        if (ctx.arg(at + 1) === 'clf') ctx.warning(at + 1, "'clf' ignored: halb logs JSON");
        s.httplog = !negate;
        if (!negate) s.tcplog = false;
        return;
      case 'tcplog':
        s.tcplog = !negate;
        if (!negate) s.httplog = false;
        return ctx.noMore(at + 1);
      case 'dontlognull':
        s.dontlognull = !negate;
        return ctx.noMore(at + 1);
      case 'forwardfor': {
        if (negate) {
          s.forwardFor = undefined;
          return;
        }
        let except: string | undefined;
        let header = 'X-Forwarded-For';
        for (let i = at + 1; i < ctx.words.length; i++) {
          const w = ctx.arg(i)!;
          if (w === 'except') {
            except = ctx.need(i + 1, 'network');
            if (except !== undefined && !isCidrOrIp(except)) ctx.error(i + 1, `'${except}' is not an address or network`);
            i++;
          } else if (w === 'header') {
            header = ctx.need(i + 1, 'header name') ?? header;
            i++;
          } else if (w === 'if-none') {
            ctx.warning(i, "'if-none' ignored: halb always appends the client address");
          } else {
            ctx.error(i, `unknown forwardfor argument '${w}'`, didYouMean(w, ['except', 'header', 'if-none']));
          }
        }
        s.forwardFor = { header, ...(except !== undefined ? { except } : {}) };
        return;
      }
      case 'httpchk': {
        if (negate) {
          if (s.check?.kind === 'httpchk') s.check = undefined;
          return;
        }
        // option httpchk [<uri>] | <method> <uri> [<version>]; HAProxy's defaults: OPTIONS / HTTP/1.0.
        const args = ctx.words.slice(at + 1).map((w) => w.text);
        let method = 'OPTIONS';
        let uri = '/';
        let version = 'HTTP/1.0';
        if (args.length === 1) uri = args[0]!;
        else if (args.length >= 2) {
          method = args[0]!;
          uri = args[1]!;
          if (args.length >= 3) version = args[2]!;
        }
        if (args.length > 3) ctx.error(at + 4, `unexpected extra argument '${args[3]}' (quote or escape spaces)`);
        // The old way to send a Host header: "HTTP/1.1\r\nHost:\ name" in the version.
        let host: string | undefined;
        const parts = version.split('\r\n');
        version = parts[0]!;
        for (const h of parts.slice(1)) {
          const m = /^host:\s*(.*)$/i.exec(h);
          if (m) host = m[1];
          else if (h !== '') ctx.warning(at + 3, `check header '${h}' ignored: only Host is sent`);
        }
        if (!/^HTTP\/1\.[01]$/.test(version)) ctx.error(at + 3, `unsupported HTTP version '${version}' in check (HTTP/1.0 or HTTP/1.1)`);
        if (!/^[A-Z]+$/.test(method)) ctx.error(at + 1, `invalid HTTP method '${method}'`);
        if (!uri.startsWith('/') && uri !== '*') ctx.error(at + 2, `check URI '${uri}' must start with '/'`);
        s.check = { kind: 'httpchk', method, uri, version, ...(host !== undefined ? { host } : {}) };
        s.checkPos = ctx.pos;
        return;
      }
      case 'tcp-check':
        if (negate) {
          if (s.check?.kind === 'tcp-check') s.check = undefined;
          return;
        }
        s.check = { kind: 'tcp-check' };
        s.checkPos = ctx.pos;
        return ctx.noMore(at + 1);
      case 'ssl-hello-chk':
        if (negate) {
          if (s.check?.kind === 'ssl-hello') s.check = undefined;
          return;
        }
        s.check = { kind: 'ssl-hello' };
        s.checkPos = ctx.pos;
        return ctx.noMore(at + 1);
    }
    if (Object.hasOwn(OPTION_ERROR, o)) return ctx.error(at, OPTION_ERROR[o]!);
    if (Object.hasOwn(OPTION_WARN, o)) return ctx.warning(at, `ignored: ${OPTION_WARN[o]}`);
    ctx.error(at, `unknown option '${o}'`, didYouMean(o, [...OPTIONS_IMPLEMENTED, ...Object.keys(OPTION_WARN), ...Object.keys(OPTION_ERROR)]));
  }

  timeout(p: ProxySection, ctx: LineContext): void {
    const which = ctx.need(1, 'timeout name');
    if (which === undefined) return;
    ctx.directive = `timeout ${which}`;
    if (Object.hasOwn(TIMEOUT_WARN, which)) return ctx.warning(1, `ignored: ${TIMEOUT_WARN[which]}`);
    const key = Object.hasOwn(TIMEOUT_KEY, which) ? TIMEOUT_KEY[which] : undefined;
    if (!key) {
      return ctx.error(1, `unknown timeout '${which}'`, didYouMean(which, [...TIMEOUTS_IMPLEMENTED, ...Object.keys(TIMEOUT_WARN)]));
    }
    if (!this.capOk(p, ctx, TIMEOUT_CAP[which]!, 0)) return;
    const v = ctx.time(2);
    if (v === 0) {
      // HAProxy reads 0 as "no timeout" (TICK_ETERNITY); the model says that with an unset value.
      ctx.note(2, '0 means no timeout');
      delete p.settings.timeouts[key];
    } else if (v !== undefined) p.settings.timeouts[key] = v;
    ctx.noMore(3);
  }

  errorfile(p: ProxySection, ctx: LineContext): void {
    const code = ctx.uint(1, 'status code', 100, 599);
    const path = ctx.need(2, 'file path');
    ctx.noMore(3);
    if (code === undefined || path === undefined) return;
    if (!ERRORFILE_CODES.includes(code)) return ctx.error(1, `errorfile status ${code} is not one HAProxy serves (${ERRORFILE_CODES.join(', ')})`);
    let content: string;
    try {
      content = this.opts.readFile(path, 'errorfile');
    } catch (e) {
      return ctx.error(2, `cannot read errorfile '${path}': ${e instanceof Error ? e.message : String(e)}`);
    }
    // HAProxy serves the file as-is, so it must be a complete HTTP response.
    if (!/^HTTP\/1\.[01] \d{3}/.test(content)) {
      return ctx.error(2, `errorfile '${path}' must hold a complete HTTP response starting with a status line ('HTTP/1.0 ${code} ...')`);
    }
    const ef: ErrorFile = { path, content };
    p.settings.errorFiles[code] = ef;
  }

  // ---- model ----------------------------------------------------------------------------

  private build(): HaproxyLoadResult {
    const fallback = { pos: { file: this.file, line: 1 } };
    const positions = new PathPositions(fallback);
    const frontends: Frontend[] = [];
    const backends: Backend[] = [];
    const stats: StatsPage[] = [];

    for (const p of this.proxies) {
      const s = p.settings;
      const isStats = s.stats.enable === true;
      if (isStats) {
        if (p.kind === 'backend') {
          this.diags.error(this.file, (s.stats.pos ?? p.pos).line, "a stats page in a backend section is not supported; use 'listen stats' with a bind", { directive: 'stats' });
          continue;
        }
        if (p.servers.length > 0) this.diags.warning(this.file, p.servers[0]!.pos.line, `servers in stats section '${p.name}' are ignored`, { directive: 'server' });
        if (s.defaultBackend !== undefined && p.kind === 'frontend') {
          this.diags.warning(this.file, s.defaultBackendPos!.line, `default_backend of stats section '${p.name}' is ignored`, { directive: 'default_backend' });
        }
        const idx = stats.length;
        stats.push({
          name: p.name,
          binds: p.binds,
          uri: s.stats.uri ?? DEFAULT_STATS_URI,
          auth: s.stats.auth,
          ...(s.stats.refresh !== undefined ? { refresh: s.stats.refresh } : {}),
          hideVersion: s.stats.hideVersion ?? false,
          timeouts: pick(s.timeouts, FRONT_TIMEOUTS),
          pos: p.pos,
        });
        positions.set(['stats', idx], { pos: p.pos, directive: p.kind });
        p.binds.forEach((b, j) => positions.set(['stats', idx, 'binds', j], { pos: b.pos!, directive: 'bind' }));
        continue;
      }
      this.modeFixups(p);
      if (p.kind === 'frontend' || (p.kind === 'listen' && p.binds.length > 0)) {
        const idx = frontends.length;
        const defaultBackend = s.defaultBackend ?? (p.kind === 'listen' ? p.name : undefined);
        frontends.push({
          name: p.name,
          mode: s.mode ?? 'tcp',
          binds: p.binds,
          ...(defaultBackend !== undefined ? { defaultBackend } : {}),
          timeouts: pick(s.timeouts, FRONT_TIMEOUTS),
          ...(s.forwardFor ? { forwardFor: s.forwardFor } : {}),
          httpServerClose: s.httpServerClose ?? false,
          log: { httplog: s.httplog ?? false, tcplog: s.tcplog ?? false, dontlognull: s.dontlognull ?? false },
          ...(s.maxconn !== undefined ? { maxconn: s.maxconn } : {}),
          errorFiles: s.errorFiles,
          pos: p.pos,
        });
        positions.set(['frontends', idx], { pos: p.pos, directive: p.kind });
        positions.set(['frontends', idx, 'defaultBackend'], { pos: s.defaultBackendPos ?? p.pos, directive: s.defaultBackendPos ? 'default_backend' : p.kind });
        p.binds.forEach((b, j) => positions.set(['frontends', idx, 'binds', j], { pos: b.pos!, directive: 'bind' }));
      } else if (p.kind === 'listen') {
        this.diags.warning(this.file, p.pos.line, `listen section '${p.name}' has no 'bind': it only acts as a backend`, { directive: 'listen' });
      }
      if (p.kind === 'backend' || p.kind === 'listen') {
        const idx = backends.length;
        const healthCheck = this.healthCheck(p);
        if (healthCheck.type === 'tcp-check' && healthCheck.steps.some((st) => st.kind === 'connect' && st.ssl)) {
          // Same rule as check-ssl: HAProxy refuses TLS checks that would verify without a CA file.
          for (const d of p.servers) {
            if (d.server.check && d.server.verify === 'required') {
              this.diags.error(this.file, d.pos.line, `server '${d.server.name}': 'tcp-check connect ssl' verifies certificates but no CA file is given; add 'verify none'`, {
                col: d.pos.col!,
                directive: 'server',
              });
            }
          }
        }
        backends.push({
          name: p.name,
          mode: s.mode ?? 'tcp',
          balance: { algo: s.balance ?? 'roundrobin', hashType: s.hashType ?? 'map-based' },
          servers: p.servers.map((d) => ({ ...d.server, pos: d.pos })),
          allBackups: s.allBackups ?? false,
          redispatch: s.redispatch ?? false,
          retries: s.retries ?? DEFAULT_RETRIES,
          timeouts: pick(s.timeouts, BACK_TIMEOUTS),
          healthCheck,
          ...(s.forwardFor ? { forwardFor: s.forwardFor } : {}),
          httpServerClose: s.httpServerClose ?? false,
          errorFiles: s.errorFiles,
          pos: p.pos,
        });
        positions.set(['backends', idx], { pos: p.pos, directive: p.kind });
        if (s.checkPos) positions.set(['backends', idx, 'healthCheck'], { pos: s.checkPos, directive: 'option' });
        p.servers.forEach((d, j) => {
          positions.set(['backends', idx, 'servers', j], { pos: d.pos, directive: 'server' });
          if (d.resolversPos) positions.set(['backends', idx, 'servers', j, 'resolvers'], { pos: d.resolversPos, directive: 'server' });
        });
      }
    }

    const resolvers: Resolvers[] = this.resolvers.map((r, idx) => {
      positions.set(['resolvers', idx], { pos: r.pos, directive: 'resolvers' });
      r.nameservers.forEach((n, j) => positions.set(['resolvers', idx, 'nameservers', j], { pos: n.pos, directive: 'nameserver' }));
      return {
        name: r.name,
        nameservers: r.nameservers.map((n) => n.ns),
        resolveRetries: r.resolveRetries,
        timeoutRetry: r.timeoutRetry,
        hold: r.hold,
        pos: r.pos,
      };
    });
    if (this.global.statsSocket?.pos) positions.set(['global', 'statsSocket'], { pos: this.global.statsSocket.pos, directive: 'stats socket' });
    const global: Global = {
      ...(this.global.maxconn !== undefined ? { maxconn: this.global.maxconn } : {}),
      ...(this.global.statsSocket ? { statsSocket: this.global.statsSocket } : {}),
    };
    return { lb: { global, frontends, backends, resolvers, stats }, locate: positions.locate };
  }

  /** HAProxy drops HTTP-only options in tcp mode with a warning; do the same. */
  private modeFixups(p: ProxySection): void {
    const s = p.settings;
    if ((s.mode ?? 'tcp') !== 'tcp') return;
    if (s.forwardFor) {
      this.diags.warning(this.file, p.pos.line, `'option forwardfor' ignored for ${p.kind} '${p.name}': it requires mode http`, { directive: p.kind });
      s.forwardFor = undefined;
    }
    if (s.httplog && p.kind !== 'backend') {
      this.diags.warning(this.file, p.pos.line, `'option httplog' needs mode http; ${p.kind} '${p.name}' falls back to 'option tcplog'`, { directive: p.kind });
      s.httplog = false;
      s.tcplog = true;
    }
  }

  private healthCheck(p: ProxySection): HealthCheckSpec {
    const s = p.settings;
    if (s.httpExpect && s.check?.kind !== 'httpchk') {
      this.diags.warning(this.file, p.pos.line, `'http-check expect' in '${p.name}' has no effect without 'option httpchk'`, { directive: 'http-check expect' });
    }
    if (s.tcpSteps.length > 0 && s.check?.kind !== 'tcp-check' && !s.tcpStepsInherited) {
      this.diags.warning(this.file, s.tcpStepsPos!.line, `'tcp-check' rules in '${p.name}' have no effect without 'option tcp-check'`, { directive: 'tcp-check' });
    }
    const c = s.check;
    if (!c) return { type: 'tcp' };
    switch (c.kind) {
      case 'httpchk': {
        const send = s.httpSend ?? {};
        const host = send.host ?? c.host;
        return {
          type: 'http',
          method: send.method ?? c.method,
          uri: send.uri ?? c.uri,
          version: send.version ?? c.version,
          ...(host !== undefined ? { host } : {}),
          ...(s.httpExpect ? { expect: s.httpExpect } : {}),
        };
      }
      case 'tcp-check':
        return { type: 'tcp-check', steps: s.tcpSteps };
      case 'ssl-hello':
        return { type: 'ssl-hello' };
    }
  }
}

function pick(t: ProxySettings['timeouts'], keys: (keyof Timeouts)[]): Timeouts {
  const out: { -readonly [K in keyof Timeouts]?: number } = {};
  for (const k of keys) if (t[k] !== undefined) out[k] = t[k];
  return out;
}

function isCidrOrIp(text: string): boolean {
  const [ip, prefix, ...rest] = text.split('/');
  if (rest.length > 0 || !isIp(ip!)) return false;
  if (prefix === undefined) return true;
  const max = ip!.includes(':') ? 128 : 32;
  return /^\d+$/.test(prefix) && Number(prefix) <= max;
}

export { RESOLVERS_DEFAULTS };
