// Parsers shared by the vrrp_instance and vrrp_sync_group rows: tracking lists, notify
// scripts and virtual address entries (keepalived/vrrp/vrrp_track.c, vrrp_ipaddress.c).

import ipaddr from 'ipaddr.js';
import { choiceHint, didYouMean } from '../diagnostics.js';
import type { NotifyKind, NotifyScripts, ScriptUser, VirtualAddress } from '../model-vrrp.js';
import type { Token } from './lexer.js';
import { type KwRow, supported } from './kw-table.js';
import type { MapTools, Mutable } from './kw-tools.js';
import type { Stmt } from './parse.js';

export interface TrackEntry {
  name: string;
  weight?: number;
  reverse?: boolean;
  tok: Token;
}

/** `NAME [weight W [reverse|noreverse]]` entries of track_script / track_file / track_interface. */
export function trackEntries(s: Stmt, t: MapTools, min: number, max: number, allowNoreverse: boolean): TrackEntry[] {
  const out: TrackEntry[] = [];
  const seen = new Set<string>();
  const kw = s.keyword.text;
  for (const e of t.needBlock(s)) {
    t.noBlock(e);
    const name = e.keyword.text;
    if (seen.has(name)) {
      t.warn(e.keyword, `duplicate ${kw} entry '${name}' ignored`, kw);
      continue;
    }
    seen.add(name);
    const entry: TrackEntry = { name, tok: e.keyword };
    if (e.args.length) {
      const w = e.args[0]!;
      if (w.text !== 'weight') {
        t.err(w, `unknown option '${w.text}'`, didYouMean(w.text, ['weight']), kw);
        continue;
      }
      const v = e.args[1];
      if (!v || !/^[+-]?\d+$/.test(v.text)) {
        t.err(v ?? w, 'weight needs an integer', undefined, kw);
        continue;
      }
      let n = Number(v.text);
      if (n < min - 1 || n > max + 1) {
        t.err(v, `weight ${n} is out of range ${min}..${max}`, undefined, kw);
        continue;
      }
      // keepalived still accepts +/-254 for scripts and interfaces but clamps it (vrrp_track.c).
      if (n < min || n > max) {
        t.warn(v, `weight ${n} is clamped to ${n < 0 ? min : max} as keepalived does`, kw);
        n = n < 0 ? min : max;
      }
      entry.weight = n;
      const r = e.args[2];
      if (r) {
        if (r.text === 'reverse') entry.reverse = true;
        else if (allowNoreverse && (r.text === 'noreverse' || r.text === 'no_reverse')) entry.reverse = false;
        else t.err(r, `unknown weight option '${r.text}'`, didYouMean(r.text, allowNoreverse ? ['reverse', 'noreverse'] : ['reverse']), kw);
      }
      if (e.args.length > 3) t.err(e.args[3]!, 'unexpected extra words', undefined, kw);
    }
    out.push(entry);
  }
  return out;
}

export interface NotifyHolder {
  notify: Mutable<NotifyScripts>;
  users: { [K in NotifyKind]?: ScriptUser };
}

const NOTIFY_KINDS: readonly (readonly [string, NotifyKind])[] = [
  ['notify_master', 'master'],
  ['notify_backup', 'backup'],
  ['notify_fault', 'fault'],
  ['notify_stop', 'stop'],
  ['notify', 'any'],
];

/** The five notify rows of vrrp_instance and vrrp_sync_group; the first setting wins, as in keepalived.
 * The row checks for a stray block itself (sync groups have no block check of their own). */
export const notifyRows = <C extends NotifyHolder>(): KwRow<C>[] =>
  NOTIFY_KINDS.map(([name, kind]) =>
    supported<C>(name, (s, h, t) => {
      t.noBlock(s);
      if (h.notify[kind] !== undefined) {
        t.warn(s.keyword, `${s.keyword.text} is already set; this one is ignored (as keepalived does)`);
        return;
      }
      const w = t.commandWords(s);
      if (!w) return;
      h.notify[kind] = w[0]!;
      if (w[1]) h.users[kind] = w[2] ? { user: w[1], group: w[2] } : { user: w[1] };
      if (w.length > 3) t.warn(s.args[3] ?? s.keyword, 'extra words after user and group are ignored; quote the command to pass arguments');
    }),
  );

const VIP_OPTS_WITH_ARG = new Set(['brd', 'dev', 'scope', 'label', 'peer', 'preferred_lft', 'track_group']);
const VIP_FLAGS = new Set(['home', '-nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'no_track', 'use_vmac']);
const SCOPES = new Set(['site', 'link', 'host', 'nowhere', 'global']);

/** One `ADDRESS[/PREFIX] [option value | flag]...` line of virtual_ipaddress(_excluded). */
export function parseVip(e: Stmt, directive: string, t: MapTools): VirtualAddress | undefined {
  t.noBlock(e);
  const a = e.keyword;
  const m = /^([^/]+)(?:\/(\d+))?$/.exec(a.text);
  if (!m || !ipaddr.isValid(m[1]!)) {
    t.err(a, `'${a.text}' is not an address[/prefix]`, undefined, directive);
    return undefined;
  }
  const ip = ipaddr.parse(m[1]!);
  const family: 4 | 6 = ip.kind() === 'ipv4' ? 4 : 6;
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = m[2] !== undefined ? Number(m[2]) : maxPrefix;
  if (prefix > maxPrefix) {
    t.err(a, `prefix /${prefix} is too long for IPv${family}`, undefined, directive);
    return undefined;
  }
  const vip: Mutable<VirtualAddress> = { address: ip.toString(), prefix, family, pos: t.pos(a) };
  for (let i = 0; i < e.args.length; i++) {
    const o = e.args[i]!;
    if (VIP_OPTS_WITH_ARG.has(o.text)) {
      const v = e.args[i + 1];
      if (!v) {
        t.err(o, `'${o.text}' needs a value`, undefined, directive);
        break;
      }
      i++;
      vipOption(vip, o, v, directive, t);
    } else if (VIP_FLAGS.has(o.text)) {
      t.warn(o, `address option '${o.text}' is not supported by halb; ignored`, directive);
    } else {
      t.err(o, `unknown address option '${o.text}'`, didYouMean(o.text, [...VIP_OPTS_WITH_ARG, ...VIP_FLAGS]), directive);
    }
  }
  return vip;
}

function vipOption(vip: Mutable<VirtualAddress>, o: Token, v: Token, directive: string, t: MapTools): void {
  switch (o.text) {
    case 'dev':
      if (v.text.length > 15) t.err(v, `interface name '${v.text}' is longer than 15 characters`, undefined, directive);
      vip.dev = v.text;
      break;
    case 'label':
      vip.label = v.text;
      break;
    case 'brd':
      if (v.text !== '+' && v.text !== '-' && !ipaddr.isValid(v.text)) t.err(v, `'${v.text}' is not a broadcast address`, undefined, directive);
      else vip.broadcast = v.text;
      break;
    case 'scope':
      if (!SCOPES.has(v.text)) t.err(v, `unknown scope '${v.text}'`, choiceHint(v.text, SCOPES), directive);
      else vip.scope = v.text;
      break;
    default:
      t.warn(o, `address option '${o.text}' is not supported by halb; ignored`, directive);
  }
}
