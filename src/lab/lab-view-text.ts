// Text of `halb lab`'s live view and summary, pure: renders what lab-view.ts computed. One line per
// second with fixed columns (state, VIP, client's ARP entry, what the client got, LB nodes,
// backends), indented notes when the VIP does something worth a sentence, and the summary.
import type { ChaosEvent, LiveStatus, Note, Summary } from './lab-view.js';

const sec = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
const dur = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

export interface LineOptions {
  /** Backends of the LB (empty: no proxy, no backend column). */
  readonly backends: readonly string[];
}

function phaseText(s: LiveStatus): string {
  switch (s.phase) {
    case 'electing':
      return 'electing…';
    case 'master':
      return `master ${s.masters[0]}`;
    case 'no-master':
      return 'no master';
    case 'dual':
      return `dual master ${s.masters.join('+')}`;
    default: {
      const never: never = s.phase;
      return never;
    }
  }
}

export function renderLine(s: LiveStatus, o: LineOptions): string {
  const vip = `VIP on ${s.masters.length ? s.masters.join(', ') : s.phase === 'electing' ? 'nobody yet' : 'nobody'}${s.stale.length ? ` (stale copy on dead ${s.stale.join(', ')})` : ''}`;
  const w = s.window;
  const labels = answerLabels(w.by);
  const parts: string[] = [];
  if (w.ok > 0) parts.push(`${w.ok} ok ${labels}`);
  if (w.failed > 0) parts.push(`${w.failed} failed${s.noAnswerMs !== undefined ? `, no answer for ${dur(s.noAnswerMs)}` : ''}`);
  if (w.electing > 0) parts.push(s.phase === 'electing' ? `${w.electing} sent, no master to answer yet` : `${w.electing} sent while electing`);
  const client = parts.join(', ') || 'no request finished';
  const nodes = Object.entries(s.nodes)
    .map(([n, st]) => `${n} ${st === 'host-down' ? 'host down' : st}`)
    .join(', ');
  const cols = [`[${sec(s.t).padStart(6)}] ${phaseText(s).padEnd(9)}`, vip, `client ARP → ${s.arp ?? 'none'}`, client, `LB ${nodes}`];
  if (o.backends.length) cols.push(s.backendsDown.length ? `backends ${s.backendsDown.join(', ')} down` : 'backends up');
  return cols.join(' | ');
}

/** `n1→b1×20 b2×20 b3×20`: answers grouped by the LB node they came through, sorted. */
export function answerLabels(by: Readonly<Record<string, number>>): string {
  const groups = new Map<string, string[]>();
  for (const k of Object.keys(by).sort()) {
    const [lb, backend] = k.split('→');
    const g = backend === undefined ? '' : lb!;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(`${backend ?? lb}×${by[k]}`);
  }
  return [...groups].map(([lb, items]) => (lb ? `${lb}→${items.join(' ')}` : items.join(' '))).join(' ');
}

export function renderNote(n: Note): string {
  return `         t=${sec(n.t)} ${n.text}`;
}

function chaosText(ev: ChaosEvent, software: string): string {
  switch (ev.kind) {
    case 'host-dies':
      return `${ev.target}'s host dies${ev.wasMaster === false ? ' (backup)' : ' (master)'}: link down, ${software} SIGKILLed`;
    case 'host-back':
      return `${ev.target} comes back: addresses reset, link up, ${software} started`;
    case 'backend-dies':
      return `backend ${ev.target}'s service dies`;
    case 'backend-back':
      return `backend ${ev.target} comes back`;
    default: {
      const never: never = ev.kind;
      return never;
    }
  }
}

/** The event in the past tense, for the summary. */
function chaosPast(ev: ChaosEvent): string {
  switch (ev.kind) {
    case 'host-dies':
      return `${ev.target}'s host died`;
    case 'host-back':
      return `${ev.target} came back`;
    case 'backend-dies':
      return `backend ${ev.target} died`;
    case 'backend-back':
      return `backend ${ev.target} came back`;
    default: {
      const never: never = ev.kind;
      return never;
    }
  }
}

/** The live-view line announcing a chaos event. */
export function renderChaos(ev: ChaosEvent, software: string): string {
  return `  chaos t=${sec(ev.t)}: ${chaosText(ev, software)}`;
}

export function renderSummary(s: Summary, o: { software: string; intervalMs: number }): string[] {
  const out: string[] = [`summary of the ${dur(s.t)} run (${s.sent} requests, a fresh connection every ${o.intervalMs} ms):`];
  const row = (k: string, v: string): void => void out.push(`  ${k.padEnd(16)}${v}`);
  row(
    'first master',
    s.firstMaster
      ? `${s.firstMaster.node}, answering at t=${sec(s.firstMaster.t)} (${s.electing} requests sent while electing, not counted as failures)`
      : `none: no request was answered (${s.electing} sent while electing)`,
  );
  row('failovers', s.failovers.length ? `${s.failovers.length}: ${s.failovers.map((f) => `t=${sec(f.t)} ${f.from}→${f.to}`).join(', ')}` : '0');
  const lo = s.longestOutage;
  row(
    'longest outage',
    lo
      ? `${dur(lo.ms)} from t=${sec(lo.start)}${lo.recovered ? '' : ', no answer until the end'}${lo.chaos !== undefined && s.chaos[lo.chaos] ? `, after ${chaosPast(s.chaos[lo.chaos]!.event)} at t=${sec(s.chaos[lo.chaos]!.event.t)}` : ''}`
      : 'none',
  );
  const pct = s.counted ? ` (${((100 * s.failed) / s.counted).toFixed(1)} %)` : '';
  row('failed requests', `${s.failed} of ${s.counted} after the first election${pct}`);
  for (const d of s.duals) row('VIP on two', `t=${sec(d.t)} ${d.nodes.join('+')} for ${d.endT !== undefined ? `≈ ${dur(d.endT - d.t)}` : 'the rest of the run'}: ${d.kind}`);
  if (s.chaos.length) {
    out.push('  chaos events');
    const times = s.chaos.map((c) => `t=${sec(c.event.t)}`);
    const descs = s.chaos.map((c) => chaosText(c.event, o.software).split(':')[0]!);
    const wt = Math.max(...times.map((x) => x.length));
    const wd = Math.max(...descs.map((x) => x.length));
    s.chaos.forEach((c, i) => out.push(`    ${times[i]!.padEnd(wt)} ${descs[i]!.padEnd(wd)} → ${c.outcome}`));
  }
  return out;
}
