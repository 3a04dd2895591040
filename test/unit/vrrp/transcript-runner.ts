// Runs plain-text VRRP transcripts (etcd-raft style): input lines drive the pure coordinator,
// output lines (indented two spaces) record what it did. A transcript file holds both; the test
// re-runs the inputs and compares the whole text. HALB_UPDATE_TRANSCRIPTS=1 rewrites the files,
// to be reviewed as a diff.
//
// Input lines:
//   # comment                        (kept)
//   instance NAME key=value ...      prio= addr= advert= version= peers=a,b state=MASTER|BACKUP
//                                    nopreempt preempt-delay= track=NAME:WEIGHT[,..]
//                                    iftrack=NAME[:WEIGHT] garp=REPEAT/DELAY[/REFRESH]
//                                    stop-hold= fast-takeover=off
//   group NAME A,B,...               vrrp_sync_group
//   at T[ INSTANCE]: EVENT           T = ms, or `next` (the earliest deadline); INSTANCE defaults
//                                    to the first instance (ignored for `tick`, which fires
//                                    every due deadline)
// Events: start | tick | stop | recv prio=P from ADDR [interval=MS] | track NAME ok|fail
//         | interface up|down | conflict from ADDR addresses=A,B
import { DEFAULT_GARP, type TrackRef } from '../../../src/config/model-vrrp.js';
import { machineConfig, type MachineConfig } from '../../../src/vrrp/machine-config.js';
import type { Effect, MachineEvent } from '../../../src/vrrp/machine.js';
import { coordinatorDeadline, coordinatorStep, initialCoordinator, type CoordinatorState, type SyncGroupDef } from '../../../src/vrrp/group.js';
import { instance } from '../../helpers/vrrp-instance.js';

function kv(parts: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of parts) {
    const i = p.indexOf('=');
    if (i < 0) m.set(p, 'true');
    else m.set(p.slice(0, i), p.slice(i + 1));
  }
  return m;
}

function parseInstance(name: string, args: string[]): MachineConfig {
  const o = kv(args);
  const num = (k: string, d: number): number => (o.has(k) ? Number(o.get(k)) : d);
  const tracks: TrackRef[] = (o.get('track') ?? '')
    .split(',')
    .filter(Boolean)
    .map((t) => {
      const [n, w] = t.split(':');
      return { name: n!, weight: Number(w ?? 0) };
    });
  const iftracks: TrackRef[] = (o.get('iftrack') ?? '')
    .split(',')
    .filter(Boolean)
    .map((t) => {
      const [n, w] = t.split(':');
      return w === undefined ? { name: n! } : { name: n!, weight: Number(w) };
    });
  const [repeat, delay, refresh] = (o.get('garp') ?? '').split('/').filter(Boolean).map(Number);
  const garp = {
    ...DEFAULT_GARP,
    ...(repeat !== undefined ? { masterRepeat: repeat } : {}),
    ...(delay !== undefined ? { masterDelay: delay } : {}),
    ...(refresh !== undefined ? { masterRefresh: refresh } : {}),
  };
  const inst = instance({
    name,
    priority: num('prio', 100),
    advertInt: num('advert', 1000),
    version: num('version', 3) as 2 | 3,
    initialState: (o.get('state') ?? 'BACKUP') as 'MASTER' | 'BACKUP',
    nopreempt: o.has('nopreempt'),
    preemptDelay: num('preempt-delay', 0),
    unicastPeers: (o.get('peers') ?? '').split(',').filter(Boolean),
    trackScripts: tracks,
    trackInterfaces: iftracks,
    garp,
  });
  return machineConfig(inst, {
    primaryAddress: o.get('addr') ?? '10.0.0.1',
    fastTakeover: o.get('fast-takeover') !== 'off',
    ...(o.has('stop-hold') ? { stopHoldMax: num('stop-hold', 0) } : {}),
  });
}

function parseEvent(words: string[]): MachineEvent {
  const [kind, ...rest] = words;
  switch (kind) {
    case 'start':
    case 'tick':
    case 'stop':
      return { type: kind };
    case 'recv': {
      const o = kv(rest.filter((w) => w !== 'from' && w !== 'advert'));
      const from = rest[rest.indexOf('from') + 1];
      if (!from || rest.indexOf('from') < 0) throw new Error(`recv needs 'from ADDR': ${words.join(' ')}`);
      return { type: 'advert', src: from, priority: Number(o.get('prio')), advertInt: Number(o.get('interval') ?? 1000) };
    }
    case 'track':
      return { type: 'track', name: `script:${rest[0]}`, ok: rest[1] === 'ok' };
    case 'iftrack':
      return { type: 'track', name: `interface:${rest[0]}`, ok: rest[1] === 'up' };
    case 'interface':
      return { type: 'interface', up: rest[0] === 'up' };
    case 'conflict': {
      const o = kv(rest.slice(2));
      return { type: 'conflict', src: rest[1]!, addresses: (o.get('addresses') ?? '').split(',').filter(Boolean) };
    }
    default:
      throw new Error(`unknown event: ${words.join(' ')}`);
  }
}

export function formatEffect(e: Effect): string {
  switch (e.type) {
    case 'SendAdvert':
      return `SendAdvert(prio=${e.priority})`;
    case 'AddVips':
    case 'DelVips':
    case 'Stopped':
      return e.type;
    case 'SendGarp':
      return `SendGarp(x${e.count})`;
    case 'ForwardStrays':
      return `ForwardStrays(to=${e.peer})`;
    case 'RunNotify':
      return `RunNotify(${e.state} ${e.priority})`;
    case 'LogTransition':
      return `${e.from} -> ${e.to} (${e.reason})`;
    case 'PriorityChanged':
      return `Priority(${e.from} -> ${e.to})`;
    case 'ConflictDetected':
      return `ConflictDetected(vrid=${e.vrid} from=${e.src} addresses=${e.addresses.join(',')})`;
    case 'Warning':
      return `Warning(${e.message})`;
    default: {
      const never: never = e;
      return JSON.stringify(never);
    }
  }
}

/** Re-run the input lines of `text`; returns the full transcript with fresh output lines. */
export function runTranscript(text: string): string {
  const out: string[] = [];
  const configs: MachineConfig[] = [];
  const groups: SyncGroupDef[] = [];
  let cs: CoordinatorState | undefined;
  let now = 0;
  const coord = (): CoordinatorState => (cs ??= initialCoordinator(configs, groups));
  for (const raw of text.split('\n')) {
    if (raw.startsWith('  ')) continue; // previous output
    const line = raw.trimEnd();
    out.push(line);
    if (line === '' || line.startsWith('#')) continue;
    try {
      const words = line.split(/\s+/);
      if (words[0] === 'instance') {
        configs.push(parseInstance(words[1]!, words.slice(2)));
        continue;
      }
      if (words[0] === 'group') {
        groups.push({ name: words[1]!, members: words[2]!.split(',') });
        continue;
      }
      const m = /^at (\d+|next)(?: (\S+))?: (.*)$/.exec(line);
      if (!m) throw new Error('expected "at T[ INSTANCE]: EVENT"');
      const c = coord();
      if (m[1] === 'next') {
        const d = coordinatorDeadline(c);
        if (d === undefined) throw new Error('no deadline pending');
        now = d;
        out.push(`  t=${now}`);
      } else {
        const t = Number(m[1]);
        if (t < now) throw new Error(`time goes backwards (${t} < ${now})`);
        now = t;
      }
      const ev = parseEvent(m[3]!.split(/\s+/));
      const target = ev.type === 'tick' ? undefined : (m[2] ?? configs[0]!.name);
      const r = coordinatorStep(c, target, ev, now);
      cs = r.state;
      const multi = configs.length > 1;
      const by = new Map<string, string[]>();
      for (const { instance: inst, effect } of r.effects) {
        const list = by.get(inst) ?? [];
        list.push(formatEffect(effect));
        by.set(inst, list);
      }
      for (const [inst, list] of by) {
        const transitions = list.filter((s) => / -> [A-Z]+ \(/.test(s) && !s.startsWith('Priority'));
        const rest = list.filter((s) => !transitions.includes(s));
        const prefix = multi ? `${inst}: ` : '';
        for (const t of transitions) out.push(`  ${prefix}${t}`);
        if (rest.length) out.push(`  ${prefix}effects: ${rest.join(', ')}`);
      }
      if (r.effects.length === 0) out.push('  (no effects)');
      const phases = cs.machines.map((s) => (multi ? `${s.cfg.name}=${s.phase}/${s.priority}` : `${s.phase}/${s.priority}`));
      out.push(`  state: ${phases.join(' ')}  next: ${r.nextDeadline ?? 'none'}`);
    } catch (err) {
      out.push(`  ERROR: ${(err as Error).message}`);
    }
  }
  return out.join('\n');
}
