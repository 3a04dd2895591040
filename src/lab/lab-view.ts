// What `halb lab` shows, pure: the client's requests, who holds the VIP (sampled from outside) and
// the chaos events go in, with times in ms on one clock (the prober's); the state of each live-view
// line, notes on VIP changes worth a sentence, and the end-of-run summary come out. No I/O and no
// clock: the demo (demo.ts) samples, calls in, and prints what lab-view-text.ts renders.
//
// Rules, each in one place here:
// - Electing: until the first master answers, requests go unanswered because nobody holds the VIP
//   yet; they are counted as "sent while electing", never as failures. If a node holds the VIP
//   and still nothing answers after ELECTING_ANSWER_GRACE_MS, the service is broken, and requests
//   from the moment that node was seen holding the VIP count as failures.
// - Masters are the nodes that hold the VIP and can be reached (link up). A node whose host died
//   (cable pulled, daemon SIGKILLed) may keep the address on its interface; nobody reaches it, so
//   it is shown as a stale copy, not as a second master.
// - Two reachable holders are a dual master: a hand-over while it lasts less than
//   `splitBrainAfterMs` (the old master keeps the VIP until it hears the new one's advert, and halb
//   `handoverGraceMs` more, make-before-break), a split brain after that.
// - A failover is a change of the LB node answering, once 3 answers in a row (by start) came
//   through the new one, so the odd in-flight answer of the old master does not count.
// - Attempts are folded into the counters in start order once older than FOLD_HORIZON_MS (an
//   attempt takes at most the prober's 500 ms timeout), so the view holds a few seconds of
//   attempts however long the lab runs.

/** One finished client request, times in ms. `lb`: the LB node it went through; `backend`: who answered behind it. */
export interface Probe {
  readonly s: number;
  readonly e: number;
  readonly ok: boolean;
  readonly lb?: string;
  readonly backend?: string;
}

/** up: running, link up; host-down: the chaos pulled its cable; stopped: its daemon is not running, link up. */
export type NodeState = 'up' | 'host-down' | 'stopped';

export interface Sample {
  readonly t: number;
  /** LB nodes with the VIP on their interface. */
  readonly holders: readonly string[];
  readonly nodes: Readonly<Record<string, NodeState>>;
  /** The LB node the client's ARP entry for the VIP points at. */
  readonly arp?: string;
  readonly backendsDown?: readonly string[];
}

export type ChaosKind = 'host-dies' | 'host-back' | 'backend-dies' | 'backend-back';

export interface ChaosEvent {
  readonly t: number;
  readonly kind: ChaosKind;
  readonly target: string;
  /** For host-dies: whether the target was the master. */
  readonly wasMaster?: boolean;
}

export interface LabViewOptions {
  /** Node software, named in reasons. */
  readonly software: string;
  /** How long an old master keeps the VIP after hearing the new one (halb 500 ms, keepalived 0). */
  readonly handoverGraceMs: number;
  /** Two reachable holders for longer than this: a split brain, no longer a hand-over. */
  readonly splitBrainAfterMs: number;
  readonly priorities?: Readonly<Record<string, number>>;
}

export const ELECTING_ANSWER_GRACE_MS = 5000;
const FOLD_HORIZON_MS = 1500;
const FAILOVER_RUN = 3;
const RECENT_KEEP_MS = 5000;

export type Phase = 'electing' | 'master' | 'no-master' | 'dual';

export interface WindowCounts {
  readonly ok: number;
  readonly failed: number;
  /** Unanswered while electing (not failures). */
  readonly electing: number;
  /** Answers by label: `n1→b2` with a proxy, `n1` without. */
  readonly by: Readonly<Record<string, number>>;
}

export interface LiveStatus {
  readonly t: number;
  readonly phase: Phase;
  /** Reachable VIP holders. */
  readonly masters: readonly string[];
  /** Holders whose host is down (unreachable copies). */
  readonly stale: readonly string[];
  readonly arp?: string;
  readonly nodes: Readonly<Record<string, NodeState>>;
  readonly backendsDown: readonly string[];
  readonly window: WindowCounts;
  /** No answer for this long (only while the client gets none). */
  readonly noAnswerMs?: number;
}

export interface Note {
  readonly t: number;
  readonly text: string;
}

export interface Failover {
  readonly t: number;
  readonly from: string;
  readonly to: string;
}

export interface DualEpisode {
  readonly t: number;
  readonly nodes: readonly string[];
  /** Sample at which only one master was left (undefined: still dual at the end). */
  endT?: number;
  kind: 'hand-over' | 'split-brain';
  reason: string;
}

export interface ChaosOutcome {
  readonly event: ChaosEvent;
  /** Failed requests of the outages that started with this event (until the next one). */
  readonly failed: number;
  /** Longest outage starting in the window, ms (first failure → next answer). */
  readonly outageMs?: number;
  /** One sentence: what happened after the event, as the client saw it. */
  readonly outcome: string;
}

export interface Outage {
  readonly start: number;
  readonly ms: number;
  readonly recovered: boolean;
  /** Index of the chaos event whose window it started in. */
  readonly chaos?: number;
}

export interface Summary {
  readonly t: number;
  readonly sent: number;
  readonly electing: number;
  /** Requests after the first election (the ones that count). */
  readonly counted: number;
  readonly failed: number;
  readonly firstMaster?: { readonly node: string; readonly t: number };
  readonly failovers: readonly Failover[];
  readonly longestOutage?: Outage;
  readonly chaos: readonly ChaosOutcome[];
  readonly duals: readonly DualEpisode[];
}

interface ChaosStats {
  readonly event: ChaosEvent;
  /** When the next event of the same family (hosts, backends) came: the outcome is read until then. */
  until: number;
  failed: number;
  outageMs?: number;
  /** First answer relevant to the event (see `relevant`), ms after it. */
  first?: { readonly ms: number; readonly lb?: string; readonly backend?: string };
  /** The LB node answering at the end of the window. */
  servingAtEnd?: string;
  /** backend-dies: the last answer from the dead backend, ms after the event. */
  lastFromTargetMs?: number;
}

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

export class LabView {
  private readonly pending: Probe[] = [];
  private readonly recent: Probe[] = [];
  private firstOkS: number | undefined;
  private firstHolderT: number | undefined;
  private lastOkE: number | undefined;
  private sent = 0;
  private electing = 0;
  private counted = 0;
  private failed = 0;
  private firstMaster: { node: string; t: number } | undefined;
  private serving: string | undefined;
  private candidate: { lb: string; count: number; s: number } | undefined;
  private readonly failovers: Failover[] = [];
  private openOutage: { start: number; chaos: number | undefined } | undefined;
  private longest: Outage | undefined;
  private readonly chaosStats: ChaosStats[] = [];
  /** Events whose outcome is still being read (folded attempts have not passed their `until`). */
  private openChaos: ChaosStats[] = [];
  private readonly duals: DualEpisode[] = [];
  private dual: DualEpisode | undefined;
  private lastSoleMaster: string | undefined;
  private staleNoted = new Set<string>();
  private last: Sample | undefined;

  constructor(private readonly o: LabViewOptions) {}

  probe(p: Probe): void {
    this.pending.push(p);
    this.recent.push(p);
    if (p.ok) {
      if (this.firstOkS === undefined || p.s < this.firstOkS) this.firstOkS = p.s;
      if (this.lastOkE === undefined || p.e > this.lastOkE) this.lastOkE = p.e;
    }
  }

  chaos(c: ChaosEvent): void {
    for (const o of this.openChaos) if (family(o.event.kind) === family(c.kind) && o.until === Infinity) o.until = c.t;
    const cs: ChaosStats = { event: c, until: Infinity, failed: 0 };
    this.chaosStats.push(cs);
    this.openChaos.push(cs);
  }

  /** The master at the last sample (the one reachable holder), if exactly one. */
  get master(): string | undefined {
    const m = this.last ? this.mastersOf(this.last) : [];
    return m.length === 1 ? m[0] : undefined;
  }

  /** Records a sample of who holds the VIP; returns notes on what changed worth a sentence. */
  sample(s: Sample): Note[] {
    const notes: Note[] = [];
    const masters = this.mastersOf(s);
    if (masters.length > 0 && this.firstHolderT === undefined) this.firstHolderT = s.t;
    for (const h of s.holders) {
      if (s.nodes[h] !== 'host-down' || this.staleNoted.has(h)) continue;
      this.staleNoted.add(h);
      notes.push({
        t: s.t,
        text: `${h}'s host is down, yet its interface still has the VIP (${this.o.software} was SIGKILLed before it could remove it): with its cable pulled nobody reaches it there, so it is no second master`,
      });
    }
    for (const h of this.staleNoted) if (!s.holders.includes(h) || s.nodes[h] !== 'host-down') this.staleNoted.delete(h);

    if (masters.length >= 2) {
      if (!this.dual) {
        const d: DualEpisode = { t: s.t, nodes: masters, ...this.dualReason(masters, s, 0) };
        this.dual = d;
        this.duals.push(d);
        notes.push({ t: s.t, text: `VIP on ${masters.join(' and ')}, ${d.reason}` });
      } else if (this.dual.kind === 'hand-over' && s.t - this.dual.t > this.o.splitBrainAfterMs) {
        Object.assign(this.dual, this.dualReason(this.dual.nodes, s, s.t - this.dual.t));
        notes.push({ t: s.t, text: `VIP on ${this.dual.nodes.join(' and ')}, ${this.dual.reason}` });
      }
    } else if (this.dual) {
      const d = this.dual;
      d.endT = s.t;
      this.dual = undefined;
      const gone = d.nodes.filter((n) => !masters.includes(n));
      notes.push({
        t: s.t,
        text: `${gone.join(' and ')} ${gone.length === 1 ? 'has' : 'have'} given the VIP up (dual for ≈ ${fmtS(s.t - d.t)}): ${masters.length === 1 ? `${masters[0]} is the only master` : 'nobody holds it'}`,
      });
    }
    if (masters.length === 1) this.lastSoleMaster = masters[0];
    this.last = s;
    return notes;
  }

  private mastersOf(s: Sample): string[] {
    return s.holders.filter((h) => s.nodes[h] !== 'host-down');
  }

  private dualReason(masters: readonly string[], s: Sample, forMs: number): Pick<DualEpisode, 'kind' | 'reason'> {
    const stopped = masters.filter((m) => s.nodes[m] === 'stopped');
    if (stopped.length > 0) {
      const n = stopped[0]!;
      return { kind: 'split-brain', reason: `a dual master: ${n}'s ${this.o.software} is not running, yet the VIP is still on its interface and its kernel answers ARP for it` };
    }
    if (forMs > this.o.splitBrainAfterMs) {
      return {
        kind: 'split-brain',
        reason: `a split brain: both are up and have held the VIP for ${fmtS(forMs)}, so they do not hear each other's adverts (check the link, VRID, authentication, unicast peers)`,
      };
    }
    const old = this.lastSoleMaster !== undefined && masters.includes(this.lastSoleMaster) ? this.lastSoleMaster : undefined;
    const fresh = masters.filter((m) => m !== old);
    if (old === undefined || fresh.length !== 1) {
      return { kind: 'hand-over', reason: `both took it at about the same time, before hearing each other's adverts; the lower priority gives way` };
    }
    const nw = fresh[0]!;
    const pn = this.o.priorities?.[nw];
    const po = this.o.priorities?.[old];
    const back = this.chaosStats.some((c) => c.event.kind === 'host-back' && c.event.target === nw && s.t - c.event.t < 60_000);
    const why = pn !== undefined && po !== undefined && pn > po ? ` (priority ${pn} > ${po}, it preempts)` : '';
    const keeps =
      this.o.handoverGraceMs > 0
        ? `${old} keeps it ${fmtS(this.o.handoverGraceMs)} after hearing ${nw}'s advert (make-before-break, so its connections in flight finish)`
        : `${old} drops it when it hears ${nw}'s advert`;
    return { kind: 'hand-over', reason: `a hand-over: ${nw}${back ? ' came back and' : ''} took the VIP${why}; ${keeps}` };
  }

  /**
   * When electing ended: requests started before it were sent while electing. Infinity while
   * nobody answered and nobody holds the VIP; undefined while undecided (a holder, no answer yet).
   */
  private electingEnd(t: number): number | undefined {
    const th = this.firstHolderT;
    if (this.firstOkS !== undefined) return th === undefined || this.firstOkS <= th + ELECTING_ANSWER_GRACE_MS ? this.firstOkS : th;
    if (th === undefined) return Infinity;
    return t >= th + ELECTING_ANSWER_GRACE_MS ? th : undefined;
  }

  private chaosIndexAt(s: number): number | undefined {
    let idx: number | undefined;
    for (let i = 0; i < this.chaosStats.length && this.chaosStats[i]!.event.t <= s; i++) idx = i;
    return idx;
  }

  /** Folds pending attempts that started before `upTo` into the counters, in start order. */
  private fold(upTo: number, t: number): void {
    this.pending.sort((a, b) => a.s - b.s);
    let k = 0;
    for (; k < this.pending.length && this.pending[k]!.s < upTo; k++) {
      const end = this.electingEnd(t);
      if (end === undefined) break;
      this.foldOne(this.pending[k]!, end);
    }
    this.pending.splice(0, k);
  }

  private foldOne(a: Probe, electingEnd: number): void {
    this.sent++;
    if (a.s < electingEnd) {
      this.electing++;
      return;
    }
    this.counted++;
    if (!a.ok) {
      this.failed++;
      // An outage and all its failures belong to the event before its first failure ended (a
      // request sent just before a kill fails because of it), not to events during the outage.
      this.openOutage ??= { start: a.s, chaos: this.chaosIndexAt(a.e) };
      const oc = this.openOutage.chaos !== undefined ? this.chaosStats[this.openOutage.chaos] : undefined;
      if (oc) oc.failed++;
      return;
    }
    if (this.openOutage) {
      const o: Outage = { start: this.openOutage.start, ms: a.e - this.openOutage.start, recovered: true, ...(this.openOutage.chaos !== undefined ? { chaos: this.openOutage.chaos } : {}) };
      if (!this.longest || o.ms > this.longest.ms) this.longest = o;
      const oc = o.chaos !== undefined ? this.chaosStats[o.chaos] : undefined;
      if (oc && (oc.outageMs === undefined || o.ms > oc.outageMs)) oc.outageMs = o.ms;
      this.openOutage = undefined;
    }
    const lb = a.lb ?? '?';
    this.firstMaster ??= { node: lb, t: a.e };
    if (this.serving === undefined) this.serving = lb;
    else if (lb === this.serving) this.candidate = undefined;
    else {
      if (this.candidate?.lb === lb) this.candidate.count++;
      else this.candidate = { lb, count: 1, s: a.s };
      if (this.candidate.count >= FAILOVER_RUN) {
        this.failovers.push({ t: this.candidate.s, from: this.serving, to: lb });
        this.serving = lb;
        this.candidate = undefined;
      }
    }
    this.openChaos = this.openChaos.filter((cs) => a.s < cs.until);
    for (const cs of this.openChaos) {
      if (a.s < cs.event.t) continue;
      cs.servingAtEnd = this.serving;
      if (cs.event.kind === 'backend-dies' && a.backend === cs.event.target) cs.lastFromTargetMs = Math.max(cs.lastFromTargetMs ?? 0, a.e - cs.event.t);
      if (!cs.first && relevant(cs.event, a)) cs.first = { ms: a.e - cs.event.t, ...(a.lb ? { lb: a.lb } : {}), ...(a.backend ? { backend: a.backend } : {}) };
    }
  }

  /** The state for a live-view line at `t`: the last sample and the requests that ended in (t − windowMs, t]. */
  status(t: number, windowMs: number): LiveStatus {
    this.fold(t - FOLD_HORIZON_MS, t);
    const keepFrom = this.recent.findIndex((p) => p.e >= t - Math.max(windowMs, RECENT_KEEP_MS));
    this.recent.splice(0, keepFrom < 0 ? this.recent.length : keepFrom);
    const end = this.electingEnd(t);
    let ok = 0;
    let failed = 0;
    let electing = 0;
    const by: Record<string, number> = {};
    for (const p of this.recent) {
      if (p.e <= t - windowMs || p.e > t) continue;
      if (p.ok) {
        ok++;
        const label = p.backend ? `${p.lb ?? '?'}→${p.backend}` : (p.lb ?? '?');
        by[label] = (by[label] ?? 0) + 1;
      } else if (end === undefined || p.s < end) electing++;
      else failed++;
    }
    const s = this.last;
    const masters = s ? this.mastersOf(s) : [];
    const answered = this.firstOkS !== undefined || (end !== undefined && end !== Infinity);
    const phase: Phase = !answered ? 'electing' : masters.length === 0 ? 'no-master' : masters.length === 1 ? 'master' : 'dual';
    const noAnswer = answered && ok === 0 && failed > 0 ? t - (this.lastOkE ?? this.firstHolderT ?? t) : undefined;
    return {
      t,
      phase,
      masters,
      stale: s ? s.holders.filter((h) => s.nodes[h] === 'host-down') : [],
      ...(s?.arp !== undefined ? { arp: s.arp } : {}),
      nodes: s?.nodes ?? {},
      backendsDown: s?.backendsDown ?? [],
      window: { ok, failed, electing, by },
      ...(noAnswer !== undefined ? { noAnswerMs: noAnswer } : {}),
    };
  }

  /** The end-of-run summary; call once every request has finished (folds everything). */
  summary(t: number): Summary {
    this.fold(Infinity, Math.max(t, (this.firstHolderT ?? 0) + ELECTING_ANSWER_GRACE_MS));
    let longest = this.longest;
    if (this.openOutage) {
      const o: Outage = { start: this.openOutage.start, ms: t - this.openOutage.start, recovered: false, ...(this.openOutage.chaos !== undefined ? { chaos: this.openOutage.chaos } : {}) };
      if (!longest || o.ms > longest.ms) longest = o;
      const oc = o.chaos !== undefined ? this.chaosStats[o.chaos] : undefined;
      if (oc && (oc.outageMs === undefined || o.ms > oc.outageMs)) oc.outageMs = o.ms;
    }
    const chaos = this.chaosStats.map((c) => {
      const next = Math.min(c.until, t);
      return { event: c.event, failed: c.failed, ...(c.outageMs !== undefined ? { outageMs: c.outageMs } : {}), outcome: outcome(c, next - c.event.t) };
    });
    return {
      t,
      sent: this.sent,
      electing: this.electing,
      counted: this.counted,
      failed: this.failed,
      ...(this.firstMaster ? { firstMaster: this.firstMaster } : {}),
      failovers: this.failovers,
      ...(longest ? { longestOutage: longest } : {}),
      chaos,
      duals: this.duals,
    };
  }
}

/** Host events and backend events are read separately: a backend dying does not end a failover. */
function family(k: ChaosKind): 'host' | 'backend' {
  return k === 'host-dies' || k === 'host-back' ? 'host' : 'backend';
}

/** The answer that tells how an event turned out. */
function relevant(ev: ChaosEvent, a: Probe): boolean {
  switch (ev.kind) {
    case 'host-dies':
      return a.lb !== ev.target;
    case 'host-back':
      return a.lb === ev.target;
    case 'backend-dies':
      return false;
    case 'backend-back':
      return a.backend === ev.target;
    default: {
      const never: never = ev.kind;
      return never;
    }
  }
}

function outcome(c: ChaosStats, windowMs: number): string {
  const ev = c.event;
  const failed = `${c.failed} failed`;
  const within = `within ${fmtS(windowMs)}`;
  switch (ev.kind) {
    case 'host-dies':
      if (ev.wasMaster === false) return c.first ? `${c.first.lb} kept answering (${ev.target} was a backup); ${failed}` : `no answer ${within}; ${failed}`;
      return c.first ? `${c.first.lb} took over, answering ${fmtS(c.first.ms)} after; ${failed}` : `no other node answered ${within}; ${failed}`;
    case 'host-back':
      return c.first ? `${ev.target} master again ${fmtS(c.first.ms)} after (preempt); ${failed}` : c.servingAtEnd ? `${c.servingAtEnd} stayed master; ${failed}` : `no answer ${within}; ${failed}`;
    case 'backend-dies':
      return `${c.lastFromTargetMs !== undefined ? `${ev.target} still answered ${fmtS(c.lastFromTargetMs)} after (in flight), then ` : ''}health checks took ${ev.target} out; ${failed}`;
    case 'backend-back':
      return c.first ? `${ev.target} answering again ${fmtS(c.first.ms)} after (health checks put it back); ${failed}` : `${ev.target} did not answer ${within}; ${failed}`;
    default: {
      const never: never = ev.kind;
      return never;
    }
  }
}
