// `server` / `default-server` parameters (HAProxy configuration.txt §5.2). Pure module.
import { choiceHint, didYouMean } from '../diagnostics.js';
import type { InitAddrMethod } from '../model.js';
import { isIp } from '../address.js';
import type { LineContext } from './line-context.js';
import type { ServerParams } from './settings.js';
import { SERVER_ERROR, SERVER_KNOWN, SERVER_WARN_ARG, SERVER_WARN_FLAG } from './keywords.js';

/** Reads params from word `from` on, into `p`. Later words override earlier, as in HAProxy. */
export function parseServerParams(ctx: LineContext, from: number, p: ServerParams): void {
  for (let i = from; i < ctx.words.length; i++) {
    const kw = ctx.words[i]!.text;
    switch (kw) {
      case 'check':
        p.check = true;
        break;
      case 'no-check':
        p.check = false;
        break;
      case 'backup':
        p.backup = true;
        break;
      case 'no-backup':
        p.backup = false;
        break;
      case 'disabled':
        p.disabled = true;
        break;
      case 'enabled':
        p.disabled = false;
        break;
      case 'check-ssl':
        p.checkSsl = true;
        break;
      case 'no-check-ssl':
        p.checkSsl = false;
        break;
      case 'weight': {
        // HAProxy: 0..256; 0 takes the server out of load balancing but keeps it checked.
        const v = ctx.uint(i + 1, 'weight', 0, 256);
        if (v !== undefined) p.weight = v;
        i++;
        break;
      }
      case 'inter':
      case 'fastinter':
      case 'downinter': {
        const v = ctx.time(i + 1, kw);
        if (v !== undefined) {
          if (v <= 0) ctx.error(i + 1, `${kw} must be greater than 0`);
          else p[kw] = v;
        }
        i++;
        break;
      }
      case 'rise':
      case 'fall': {
        const v = ctx.uint(i + 1, kw, 1, 1_000_000);
        if (v !== undefined) p[kw] = v;
        i++;
        break;
      }
      case 'port': {
        const v = ctx.uint(i + 1, 'check port', 1, 65535);
        if (v !== undefined) p.checkPort = v;
        i++;
        break;
      }
      case 'maxconn': {
        const v = ctx.uint(i + 1, 'maxconn', 0);
        if (v !== undefined) p.maxconn = v;
        i++;
        break;
      }
      case 'maxqueue': {
        const v = ctx.uint(i + 1, 'maxqueue', 0);
        if (v !== undefined) p.maxqueue = v;
        i++;
        break;
      }
      case 'verify': {
        const v = ctx.need(i + 1, "'none' or 'required'");
        if (v === 'none' || v === 'required') p.verify = v;
        else if (v !== undefined) ctx.error(i + 1, `unknown verify mode '${v}'`, choiceHint(v, ['none', 'required']));
        i++;
        break;
      }
      case 'resolvers': {
        const v = ctx.need(i + 1, 'resolvers section name');
        if (v !== undefined) {
          p.resolvers = v;
          p.resolversPos = { file: ctx.file, line: ctx.line, col: ctx.col(i) };
        }
        i++;
        break;
      }
      case 'init-addr': {
        const v = ctx.need(i + 1, 'init-addr methods');
        if (v !== undefined) {
          const methods: InitAddrMethod[] = [];
          for (const m of v.split(',')) {
            if (m === 'last' || m === 'libc' || m === 'none') methods.push(m);
            else if (isIp(m)) methods.push({ ip: m });
            else ctx.error(i + 1, `init-addr: unknown method '${m}' (expected last, libc, none or an IP address)`);
          }
          p.initAddr = methods;
        }
        i++;
        break;
      }
      default: {
        if (Object.hasOwn(SERVER_ERROR, kw)) {
          ctx.error(i, `server option '${kw}': ${SERVER_ERROR[kw]}`);
          if (['source', 'addr', 'track', 'redir', 'sni', 'proxy-v2-options', 'ca-file'].includes(kw)) i++;
        } else if (Object.hasOwn(SERVER_WARN_ARG, kw)) {
          ctx.warning(i, `server option '${kw}' ignored: ${SERVER_WARN_ARG[kw]}`);
          i++;
        } else if (Object.hasOwn(SERVER_WARN_FLAG, kw)) {
          const why = SERVER_WARN_FLAG[kw];
          ctx.warning(i, `server option '${kw}' ignored${why ? `: ${why}` : ''}`);
        } else {
          ctx.error(i, `unknown server option '${kw}'`, didYouMean(kw, [...SERVER_KNOWN, ...Object.keys(SERVER_WARN_ARG), ...Object.keys(SERVER_ERROR)]));
          // Without knowing its arity the rest of the line cannot be read reliably; HAProxy stops here too.
          return;
        }
      }
    }
  }
}
