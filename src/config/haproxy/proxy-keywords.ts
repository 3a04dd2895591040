// Implemented haproxy.cfg proxy keywords, one row each, as HAProxy's cfg_kw_list: the sections
// that use the keyword and its parser. Keywords halb accepts without effect, ignores or refuses
// are the status tables of keywords.ts; the loader (load.ts) looks a line up here first.
import { choiceHint } from '../diagnostics.js';
import { httpCheckLine, tcpCheckLine } from './check-directives.js';
import type { LineContext } from './line-context.js';
import type { Cap, ProxySection } from './load.js';
import { parseServerParams } from './server-params.js';
import { statsLine } from './stats-directives.js';

/** What a proxy keyword row may call on the loader. */
export interface ProxyParsers {
  addBinds(p: ProxySection, ctx: LineContext, at: number, options: boolean): void;
  balance(p: ProxySection, ctx: LineContext): void;
  server(p: ProxySection, ctx: LineContext): void;
  option(p: ProxySection, ctx: LineContext, at: number, negate: boolean): void;
  timeout(p: ProxySection, ctx: LineContext): void;
  errorfile(p: ProxySection, ctx: LineContext): void;
}

interface ProxyKw {
  /** The sections that use it: HAProxy warns and ignores a keyword in a section without the capability. */
  readonly cap?: Cap;
  /** `base` is 1 after a `no` prefix. Without a parser the row only feeds did-you-mean. */
  readonly parse?: (l: ProxyParsers, p: ProxySection, ctx: LineContext, base: number, negate: boolean) => void;
}

/** Implemented proxy keywords, one row each (HAProxy's cfg_kw_list); keywords halb accepts
 * without effect, ignores or refuses are the status tables of keywords.ts. The row order is
 * the did-you-mean order. */
export const PROXY_KEYWORDS: Readonly<Record<string, ProxyKw>> = {
  bind: {
    cap: 'F',
    parse: (l, p, ctx) => (p.kind === 'defaults' ? ctx.error(0, "'bind' is not allowed in a defaults section") : l.addBinds(p, ctx, 1, true)),
  },
  mode: {
    cap: 'FB',
    parse: (_l, p, ctx) => {
      const m = ctx.need(1, "'tcp' or 'http'");
      if (m === 'tcp' || m === 'http') p.settings.mode = m;
      else if (m === 'health') ctx.error(1, "'mode health' was removed from HAProxy and is not supported");
      else if (m !== undefined) ctx.error(1, `unknown mode '${m}'`, choiceHint(m, ['tcp', 'http']));
      ctx.noMore(2);
    },
  },
  default_backend: {
    cap: 'F',
    parse: (_l, p, ctx) => {
      const b = ctx.need(1, 'backend name');
      if (b !== undefined) {
        p.settings.defaultBackend = b;
        p.settings.defaultBackendPos = ctx.pos;
      }
      ctx.noMore(2);
    },
  },
  balance: { cap: 'B', parse: (l, p, ctx) => l.balance(p, ctx) },
  'hash-type': {
    cap: 'B',
    parse: (_l, p, ctx) => {
      const h = ctx.need(1, "'map-based' or 'consistent'");
      if (h === 'map-based' || h === 'consistent') p.settings.hashType = h;
      else if (h !== undefined) ctx.error(1, `unknown hash-type '${h}'`, choiceHint(h, ['map-based', 'consistent']));
      if (ctx.arg(2) !== undefined)
        ctx.warning(
          2,
          `hash function '${ctx.words
            .slice(2)
            .map((w) => w.text)
            .join(' ')}' ignored: halb uses its own hash`,
        );
    },
  },
  server: {
    cap: 'B',
    parse: (l, p, ctx) => (p.kind === 'defaults' ? ctx.error(0, "'server' is not allowed in a defaults section") : l.server(p, ctx)),
  },
  'default-server': { cap: 'B', parse: (_l, p, ctx) => parseServerParams(ctx, 1, p.settings.serverDefaults) },
  option: { parse: (l, p, ctx, base, negate) => l.option(p, ctx, base + 1, negate) },
  // The negation prefix of 'option' and 'log', read before the table.
  no: {},
  'http-check': { cap: 'B', parse: (_l, p, ctx) => httpCheckLine(p.settings, ctx) },
  'tcp-check': { cap: 'B', parse: (_l, p, ctx) => tcpCheckLine(p.settings, ctx) },
  retries: {
    cap: 'B',
    parse: (_l, p, ctx) => {
      const v = ctx.uint(1, 'retries', 0, 1000);
      if (v !== undefined) p.settings.retries = v;
      ctx.noMore(2);
    },
  },
  timeout: { parse: (l, p, ctx) => l.timeout(p, ctx) },
  errorfile: { cap: 'FB', parse: (l, p, ctx) => l.errorfile(p, ctx) },
  maxconn: {
    cap: 'F',
    parse: (_l, p, ctx) => {
      const v = ctx.uint(1, 'maxconn', 0);
      if (v !== undefined) p.settings.maxconn = v;
      ctx.noMore(2);
    },
  },
  stats: { cap: 'FB', parse: (_l, p, ctx) => statsLine(p.settings.stats, ctx) },
};
