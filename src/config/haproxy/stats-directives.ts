// `stats` lines of proxy sections: the stats page is kept in the model (the page itself
// comes later). Pure module.
import { didYouMean } from '../diagnostics.js';
import type { LineContext } from './line-context.js';
import type { StatsSettings } from './settings.js';

/** `stats enable|uri|auth|refresh|hide-version|...` in a proxy section. */
export function statsLine(st: StatsSettings, ctx: LineContext): void {
  const sub = ctx.need(1, 'stats keyword');
  if (sub === undefined) return;
  ctx.directive = `stats ${sub}`;
  const mark = (): void => {
    st.pos ??= ctx.pos;
  };
  switch (sub) {
    case 'enable':
      st.enable = true;
      mark();
      return ctx.noMore(2);
    case 'uri': {
      const u = ctx.need(2, 'URI prefix');
      if (u !== undefined) {
        if (!u.startsWith('/')) ctx.error(2, `stats uri '${u}' must start with '/'`);
        st.uri = u;
        st.enable = true;
      }
      mark();
      return ctx.noMore(3);
    }
    case 'auth': {
      const ua = ctx.need(2, 'user:password');
      if (ua !== undefined) {
        const idx = ua.indexOf(':');
        if (idx <= 0) ctx.error(2, `expected 'user:password', got '${ua}'`);
        else st.auth.push({ user: ua.slice(0, idx), password: ua.slice(idx + 1) });
        st.enable = true;
      }
      mark();
      return ctx.noMore(3);
    }
    case 'refresh': {
      const v = ctx.time(2);
      if (v !== undefined) st.refresh = v;
      st.enable = true;
      mark();
      return ctx.noMore(3);
    }
    case 'hide-version':
      st.hideVersion = true;
      st.enable = true;
      mark();
      return ctx.noMore(2);
    case 'timeout':
    case 'maxconn':
      return ctx.note(1, 'has no effect in halb; accepted');
    case 'realm':
    case 'show-legends':
    case 'show-node':
    case 'show-desc':
    case 'show-modules':
    case 'scope':
      return ctx.warning(1, "ignored: not supported by halb's stats page");
    case 'admin':
      return ctx.warning(1, "'stats admin' ignored: halb's stats page is read-only");
    case 'socket':
      return ctx.error(1, "'stats socket' belongs in the global section");
    default:
      ctx.error(1, `unknown stats keyword '${sub}'`, didYouMean(sub, ['enable', 'uri', 'auth', 'refresh', 'hide-version', 'realm', 'admin']));
  }
}
