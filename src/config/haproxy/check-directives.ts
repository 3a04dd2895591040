// `http-check` and `tcp-check` lines (HAProxy configuration.txt §4.2). Pure module.
import { choiceHint, didYouMean } from '../diagnostics.js';
import type { TcpCheckStep } from '../model.js';
import type { LineContext } from './line-context.js';
import type { ProxySettings } from './settings.js';

/** `http-check expect|send|...` */
export function httpCheckLine(s: ProxySettings, ctx: LineContext): void {
  const sub = ctx.need(1, 'http-check keyword (expect, send)');
  if (sub === undefined) return;
  ctx.directive = `http-check ${sub}`;
  switch (sub) {
    case 'expect': {
      let i = 2;
      const negate = ctx.arg(i) === '!';
      if (negate) i++;
      const kind = ctx.need(i, "'status' or 'rstatus'");
      if (kind === undefined) return;
      if (kind === 'status' || kind === 'rstatus') {
        const value = ctx.need(i + 1, kind === 'status' ? 'status code(s)' : 'regular expression');
        if (value === undefined) return;
        if (kind === 'status' && !/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(value)) {
          return ctx.error(i + 1, `invalid status '${value}' (a code, a range like 200-399, or a comma list)`);
        }
        if (kind === 'rstatus') {
          try {
            new RegExp(value);
          } catch {
            return ctx.error(i + 1, `invalid regular expression '${value}'`);
          }
        }
        s.httpExpect = { negate, kind, value };
        ctx.noMore(i + 2);
      } else if (['string', 'rstring', 'hdr', 'fhdr', 'custom'].includes(kind)) {
        ctx.error(i, `'http-check expect ${kind}' is not supported (status and rstatus only)`);
      } else {
        ctx.error(i, `unknown http-check expect type '${kind}'`, choiceHint(kind, ['status', 'rstatus', 'string', 'rstring']));
      }
      return;
    }
    case 'send': {
      const send = { ...(s.httpSend ?? {}) };
      for (let i = 2; i < ctx.words.length; i++) {
        const w = ctx.arg(i)!;
        if (w === 'meth' || w === 'uri' || w === 'ver') {
          const v = ctx.need(i + 1, w);
          if (v !== undefined) send[w === 'meth' ? 'method' : w === 'uri' ? 'uri' : 'version'] = v;
          i++;
        } else if (w === 'hdr') {
          const n = ctx.need(i + 1, 'header name');
          const v = ctx.need(i + 2, 'header value');
          if (n !== undefined && v !== undefined) {
            if (n.toLowerCase() === 'host') send.host = v;
            else ctx.warning(i + 1, `check header '${n}' ignored: only Host is sent`);
          }
          i += 2;
        } else if (w === 'body' || w === 'body-lf' || w === 'uri-lf') {
          ctx.error(i, `'http-check send ${w}' is not supported`);
          i++;
        } else {
          ctx.error(i, `unknown http-check send argument '${w}'`, choiceHint(w, ['meth', 'uri', 'ver', 'hdr']));
        }
      }
      s.httpSend = send;
      return;
    }
    case 'disable-on-404':
    case 'send-state':
      return ctx.warning(1, 'ignored: not supported');
    case 'comment':
      return;
    case 'connect':
      return ctx.error(1, "'http-check connect' is not supported; use the server's 'port' and 'check-ssl'");
    default:
      ctx.error(1, `'http-check ${sub}' is not supported`, didYouMean(sub, ['expect', 'send', 'disable-on-404', 'send-state', 'connect', 'comment']));
  }
}

/** `tcp-check connect|send|send-binary|expect`; a proxy's first own rule replaces its defaults' rules. */
export function tcpCheckLine(s: ProxySettings, ctx: LineContext): void {
  const sub = ctx.need(1, 'tcp-check keyword (connect, send, send-binary, expect)');
  if (sub === undefined) return;
  ctx.directive = `tcp-check ${sub}`;
  let step: TcpCheckStep | undefined;
  switch (sub) {
    case 'connect': {
      let port: number | undefined;
      let ssl = false;
      for (let i = 2; i < ctx.words.length; i++) {
        const w = ctx.arg(i)!;
        if (w === 'port') {
          port = ctx.uint(i + 1, 'port', 1, 65535);
          i++;
        } else if (w === 'ssl') ssl = true;
        else if (w === 'comment') i++;
        else if (w === 'linger') ctx.warning(i, "'linger' ignored");
        else ctx.error(i, `'tcp-check connect ${w}' is not supported`, didYouMean(w, ['port', 'ssl']));
      }
      step = { kind: 'connect', ssl, ...(port !== undefined ? { port } : {}) };
      break;
    }
    case 'send': {
      const data = ctx.need(2, 'data');
      if (data === undefined) return;
      step = { kind: 'send', data };
      ctx.noMore(3);
      break;
    }
    case 'send-binary': {
      const hex = ctx.need(2, 'hex data');
      if (hex === undefined) return;
      if (!/^([0-9a-fA-F]{2})+$/.test(hex)) return ctx.error(2, `'${hex}' is not an even-length hex string`);
      step = { kind: 'send-binary', hex: hex.toLowerCase() };
      ctx.noMore(3);
      break;
    }
    case 'expect': {
      let i = 2;
      if (ctx.arg(i) === 'min-recv') {
        ctx.warning(i, "'min-recv' ignored");
        i += 2;
      }
      const negate = ctx.arg(i) === '!';
      if (negate) i++;
      const match = ctx.need(i, "'string', 'rstring' or 'binary'");
      if (match === undefined) return;
      if (match !== 'string' && match !== 'rstring' && match !== 'binary') {
        return ctx.error(i, `'tcp-check expect ${match}' is not supported`, choiceHint(match, ['string', 'rstring', 'binary']));
      }
      const pattern = ctx.need(i + 1, 'pattern');
      if (pattern === undefined) return;
      if (match === 'binary' && !/^([0-9a-fA-F]{2})+$/.test(pattern)) return ctx.error(i + 1, `'${pattern}' is not an even-length hex string`);
      if (match === 'rstring') {
        try {
          new RegExp(pattern);
        } catch {
          return ctx.error(i + 1, `invalid regular expression '${pattern}'`);
        }
      }
      for (let j = i + 2; j < ctx.words.length; j++) {
        const w = ctx.arg(j)!;
        if (['comment', 'error-status', 'ok-status', 'tout-status', 'on-success', 'on-error', 'status-code'].includes(w)) {
          ctx.warning(j, `'${w}' ignored`);
          j++;
        } else ctx.error(j, `unexpected argument '${w}'`);
      }
      step = { kind: 'expect', negate, match, pattern: match === 'binary' ? pattern.toLowerCase() : pattern };
      break;
    }
    case 'comment':
      return;
    default:
      return ctx.error(1, `'tcp-check ${sub}' is not supported`, didYouMean(sub, ['connect', 'send', 'send-binary', 'expect', 'comment']));
  }
  // A proxy's own rules replace the ones of its defaults section.
  if (s.tcpStepsInherited) {
    s.tcpSteps = [];
    s.tcpStepsInherited = false;
  }
  s.tcpSteps.push(step);
  s.tcpStepsPos ??= ctx.pos;
}
