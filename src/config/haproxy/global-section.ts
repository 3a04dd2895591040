// The `global` section: kept are maxconn, `stats socket` and `ssl-server-verify`;
// setenv/presetenv/unsetenv/resetenv change the environment seen by the lines that follow.
// Process settings are accepted with a note. Pure module.
import { choiceHint, didYouMean } from '../diagnostics.js';
import type { SourcePos } from '../model.js';
import type { LineContext } from './line-context.js';
import { GLOBAL_KNOWN, GLOBAL_NOTE, GLOBAL_NOTE_PREFIX, GLOBAL_WARN, LOG_NOTE, PROXY_SECTIONS } from './keywords.js';

export interface GlobalState {
  env: Record<string, string | undefined>;
  maxconn?: number;
  statsSocket?: { path: string; level?: string; pos?: SourcePos };
  /** `ssl-server-verify` sets the default `verify` of servers (HAProxy default: required). */
  verify: 'none' | 'required';
}

/** One line of the `global` section. */
export function globalLine(g: GlobalState, ctx: LineContext): void {
  const kw = ctx.words[0]!.text;
  switch (kw) {
    case 'maxconn': {
      const v = ctx.uint(1, 'maxconn', 1);
      if (v !== undefined) g.maxconn = v;
      ctx.noMore(2);
      return;
    }
    case 'stats':
      globalStats(g, ctx);
      return;
    case 'setenv':
    case 'presetenv': {
      const name = ctx.need(1, 'variable name');
      const value = ctx.need(2, 'value');
      if (name !== undefined && value !== undefined && (kw === 'setenv' || !Object.hasOwn(g.env, name) || g.env[name] === undefined)) g.env[name] = value;
      return;
    }
    case 'unsetenv':
      for (const w of ctx.words.slice(1)) delete g.env[w.text];
      return;
    case 'resetenv': {
      const keep = new Set(ctx.words.slice(1).map((w) => w.text));
      for (const k of Object.keys(g.env)) if (!keep.has(k)) delete g.env[k];
      return;
    }
    case 'ssl-server-verify': {
      const v = ctx.need(1, "'none' or 'required'");
      if (v === 'none' || v === 'required') g.verify = v;
      else if (v !== undefined) ctx.error(1, `expected 'none' or 'required', not '${v}'`);
      return;
    }
  }
  if (kw === 'log') {
    ctx.note(0, LOG_NOTE);
  } else if (GLOBAL_NOTE.has(kw) || GLOBAL_NOTE_PREFIX.some((p) => kw.startsWith(p))) {
    ctx.note(0, 'has no effect in halb; accepted');
  } else if (GLOBAL_WARN.has(kw) || kw.startsWith('tune.') || kw.startsWith('httpclient.')) {
    ctx.warning(0, 'not supported by halb; ignored');
  } else {
    ctx.error(0, `unknown keyword '${kw}' in global section`, didYouMean(kw, [...GLOBAL_KNOWN, ...GLOBAL_NOTE, ...GLOBAL_WARN, ...PROXY_SECTIONS]));
  }
}

function globalStats(g: GlobalState, ctx: LineContext): void {
  const sub = ctx.need(1, 'stats keyword (socket, timeout, maxconn)');
  if (sub === undefined) return;
  ctx.directive = `stats ${sub}`;
  if (sub === 'socket') {
    const path = ctx.need(2, 'socket path');
    if (path === undefined) return;
    let level: string | undefined;
    for (let i = 3; i < ctx.words.length; i++) {
      const w = ctx.arg(i)!;
      if (w === 'level') {
        const l = ctx.need(i + 1, 'level');
        if (l !== undefined && !['user', 'operator', 'admin'].includes(l)) ctx.error(i + 1, `unknown stats socket level '${l}'`, choiceHint(l, ['user', 'operator', 'admin']));
        level = l;
        i++;
      } else if (['mode', 'uid', 'gid', 'user', 'group'].includes(w)) {
        i++; // permissions of the socket file: kept by the admin API to come, no effect yet
      } else if (w === 'expose-fd') {
        ctx.note(i, "'expose-fd' has no effect in halb (reload does not pass listening sockets)");
        i++;
      } else {
        ctx.warning(i, `stats socket option '${w}' ignored`);
      }
    }
    if (g.statsSocket) ctx.warning(0, 'several stats sockets: only the last one is kept');
    g.statsSocket = { path, ...(level !== undefined ? { level } : {}), pos: ctx.pos };
  } else if (sub === 'timeout' || sub === 'maxconn' || sub === 'bind-process') {
    ctx.note(1, 'has no effect in halb; accepted');
  } else {
    ctx.error(1, `unknown 'stats' keyword '${sub}' in global section`, didYouMean(sub, ['socket', 'timeout', 'maxconn']));
  }
}
