// `resolvers` sections (HAProxy configuration.txt §5.3.2). Pure module.
import { choiceHint, didYouMean } from '../diagnostics.js';
import type { Nameserver, SourcePos } from '../model.js';
import { isIp, splitHostPort } from '../address.js';
import type { LineContext } from './line-context.js';
import { PROXY_SECTIONS } from './keywords.js';

/** HAProxy `resolvers` defaults: resolve_retries 3, timeout retry 1s, hold valid 10s, others 30s. */
export const RESOLVERS_DEFAULTS = {
  resolveRetries: 3,
  timeoutRetry: 1000,
  hold: { valid: 10_000, nx: 30_000, other: 30_000, refused: 30_000, timeout: 30_000 },
} as const;

export interface ResolversDraft {
  name: string;
  pos: SourcePos;
  nameservers: { ns: Nameserver; pos: SourcePos }[];
  resolveRetries: number;
  timeoutRetry: number;
  hold: { valid: number; nx: number; other: number; refused: number; timeout: number };
}

export function resolversLine(r: ResolversDraft, ctx: LineContext): void {
  const kw = ctx.words[0]!.text;
  switch (kw) {
    case 'nameserver': {
      const name = ctx.need(1, 'nameserver name');
      const addr = ctx.need(2, 'nameserver address');
      if (name === undefined || addr === undefined) return;
      const hp = splitHostPort(addr, { portRequired: false });
      if (!hp.ok) return ctx.error(2, hp.reason);
      if (!isIp(hp.value.host)) return ctx.error(2, `nameserver address '${hp.value.host}' must be an IP address`);
      if (r.nameservers.some((n) => n.ns.name === name)) ctx.error(1, `duplicate nameserver '${name}' in resolvers '${r.name}'`);
      r.nameservers.push({ ns: { name, address: hp.value.host, port: hp.value.port ?? 53 }, pos: ctx.pos });
      ctx.noMore(3);
      return;
    }
    case 'resolve_retries': {
      const v = ctx.uint(1, 'resolve_retries', 1);
      if (v !== undefined) r.resolveRetries = v;
      ctx.noMore(2);
      return;
    }
    case 'timeout': {
      const which = ctx.need(1, "'retry' or 'resolve'");
      ctx.directive = `timeout ${which ?? ''}`.trim();
      if (which === 'retry') {
        const v = ctx.time(2);
        if (v !== undefined) r.timeoutRetry = v;
      } else if (which === 'resolve') {
        ctx.warning(1, "'timeout resolve' ignored: halb re-resolves every 'hold valid' period");
      } else if (which !== undefined) {
        ctx.error(1, `unknown resolvers timeout '${which}'`, choiceHint(which, ['retry', 'resolve']));
      }
      return;
    }
    case 'hold': {
      const status = ctx.need(1, 'status (valid, nx, other, refused, timeout, obsolete)');
      ctx.directive = `hold ${status ?? ''}`.trim();
      if (status === undefined) return;
      if (status === 'obsolete') return ctx.warning(1, "'hold obsolete' ignored: addresses are replaced as soon as they change");
      if (!Object.hasOwn(r.hold, status)) return ctx.error(1, `unknown hold status '${status}'`, choiceHint(status, Object.keys(r.hold)));
      const v = ctx.time(2);
      if (v !== undefined) r.hold[status as keyof ResolversDraft['hold']] = v;
      return;
    }
    case 'accepted_payload_size':
      return ctx.warning(0, "'accepted_payload_size' ignored");
    case 'parse-resolv-conf':
      return ctx.error(0, "'parse-resolv-conf' is not supported; list the nameservers with 'nameserver' lines");
    default:
      ctx.error(0, `unknown keyword '${kw}' in resolvers section`, didYouMean(kw, ['nameserver', 'resolve_retries', 'timeout', 'hold', 'accepted_payload_size', ...PROXY_SECTIONS]));
  }
}
