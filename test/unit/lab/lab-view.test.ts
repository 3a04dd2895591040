import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabView, ELECTING_ANSWER_GRACE_MS, type NodeState, type Probe, type Sample } from '../../../src/lab/lab-view.js';
import { answerLabels, renderLine, renderSummary } from '../../../src/lab/lab-view-text.js';
import { ChaosCycle } from '../../../src/lab/chaos-cycle.js';

const OPTS = { software: 'halb', handoverGraceMs: 500, splitBrainAfterMs: 4500, priorities: { n1: 150, n2: 100 } };

/** A request every 20 ms from `from` to `to` (exclusive): answered 2 ms later through `lb`, or failing at +500 ms. */
function probes(from: number, to: number, lb?: string): Probe[] {
  const out: Probe[] = [];
  const backends = ['b1', 'b2', 'b3'];
  for (let s = from, k = 0; s < to; s += 20, k++) out.push(lb ? { s, e: s + 2, ok: true, lb, backend: backends[k % 3]! } : { s, e: s + 500, ok: false });
  return out;
}

const up = (extra: Record<string, NodeState> = {}): Record<string, NodeState> => ({ n1: 'up', n2: 'up', ...extra });
const sample = (t: number, holders: string[], nodes = up(), arp?: string): Sample => ({ t, holders, nodes, ...(arp ? { arp } : {}) });

/** Feeds probes in end order (as the prober reports them) and samples over time, drawing a live line every second. */
class Feeder {
  private t = 0;
  private readonly queue: Probe[];
  private readonly samples: Sample[];
  readonly notes: string[] = [];
  constructor(
    readonly view: LabView,
    ps: Probe[],
    samples: Sample[],
  ) {
    this.queue = [...ps].sort((a, b) => a.e - b.e);
    this.samples = [...samples].sort((a, b) => a.t - b.t);
  }
  runTo(until: number): this {
    for (; this.t <= until; this.t += 250) {
      while (this.queue.length && this.queue[0]!.e <= this.t) this.view.probe(this.queue.shift()!);
      while (this.samples.length && this.samples[0]!.t <= this.t) this.notes.push(...this.view.sample(this.samples.shift()!).map((n) => n.text));
      if (this.t % 1000 === 0) this.view.status(this.t, 1000);
    }
    return this;
  }
}

function play(view: LabView, ps: Probe[], samples: Sample[], until: number): string[] {
  return new Feeder(view, ps, samples).runTo(until).notes;
}

test('before the first master answers, requests are "electing…", not failures', () => {
  const view = new LabView(OPTS);
  // Nobody holds the VIP for 3.4 s; n1 takes it, its first answer comes at 3.5 s.
  const ps = [...probes(0, 3500), ...probes(3500, 6000, 'n1')];
  const feed = new Feeder(view, ps, [sample(0, []), sample(1000, []), sample(3250, []), sample(3500, ['n1'], up(), 'n1')]).runTo(2000);
  const early = view.status(2000, 1000);
  assert.equal(early.phase, 'electing');
  assert.equal(early.window.failed, 0);
  assert.ok(early.window.electing > 0);
  assert.match(renderLine(early, { backends: ['b1', 'b2', 'b3'] }), /electing….*VIP on nobody yet.*sent, no master to answer yet/);
  assert.doesNotMatch(renderLine(early, { backends: [] }), /failed/);
  feed.runTo(6000);
  const later = view.status(6000, 1000);
  assert.equal(later.phase, 'master');
  const sum = view.summary(6000);
  assert.equal(sum.electing, 175, 'every request started before the first answer');
  assert.equal(sum.failed, 0);
  assert.equal(sum.counted, 125);
  assert.deepEqual(sum.firstMaster, { node: 'n1', t: 3502 });
  assert.equal(sum.longestOutage, undefined);
  assert.match(
    renderSummary(sum, { software: 'halb', intervalMs: 20 }).join('\n'),
    /first master +n1, answering at t=3\.5s \(175 requests sent while electing, not counted as failures\)[\s\S]*failed requests 0 of 125/,
  );
});

test('requests that time out after the first answer but started before it are still electing', () => {
  const view = new LabView(OPTS);
  // Failures arrive 500 ms late, after the first answer (3000 → 3002).
  const ps = [...probes(2000, 3000), ...probes(3000, 4000, 'n1')];
  for (const p of [...ps].sort((a, b) => a.e - b.e)) view.probe(p);
  const sum = view.summary(4000);
  assert.equal(sum.electing, 50);
  assert.equal(sum.failed, 0);
});

test('a node holds the VIP but nothing answers: after the grace, requests are failures, not electing', () => {
  const view = new LabView(OPTS);
  const ps = probes(0, 10_000);
  const feed = new Feeder(view, ps, [sample(0, []), sample(1000, ['n1'])]).runTo(10_000);
  const st = view.status(10_000, 1000);
  assert.equal(st.phase, 'master');
  assert.ok(st.window.failed > 0);
  feed.runTo(10_500);
  const sum = view.summary(10_500);
  assert.equal(sum.electing, 50, 'requests before n1 was seen holding the VIP');
  assert.equal(sum.failed, 450);
  assert.equal(sum.longestOutage?.recovered, false);
  assert.ok(ELECTING_ANSWER_GRACE_MS < 9000);
});

test('the master dies: no master, n2 takes over; one failover, the outage and its failures belong to the chaos event', () => {
  const ps = [...probes(0, 500), ...probes(500, 10_000, 'n1'), ...probes(10_000, 13_600), ...probes(13_600, 20_000, 'n2')];
  const dead = up({ n1: 'host-down' });
  const samples = [sample(500, ['n1'], up(), 'n1'), sample(10_250, [], dead, 'n1'), sample(13_750, ['n2'], dead, 'n2')];
  const rest = new LabView(OPTS);
  rest.chaos({ t: 10_000, kind: 'host-dies', target: 'n1', wasMaster: true });
  const feed = new Feeder(rest, ps, samples).runTo(12_000);
  const mid = rest.status(12_000, 1000);
  assert.equal(mid.phase, 'no-master');
  assert.equal(mid.window.failed, 50);
  assert.ok(mid.noAnswerMs! > 1900 && mid.noAnswerMs! < 2100, String(mid.noAnswerMs));
  assert.match(renderLine(mid, { backends: ['b1'] }), /no master +\| VIP on nobody \| client ARP → n1 \| 50 failed, no answer for 2\.02 s \| LB n1 host down, n2 up/);
  assert.deepEqual(feed.runTo(20_000).notes, []);
  const sum = rest.summary(20_000);
  assert.deepEqual(sum.failovers, [{ t: 13_600, from: 'n1', to: 'n2' }]);
  assert.equal(sum.failed, 180);
  assert.equal(sum.longestOutage?.ms, 3602);
  assert.equal(sum.longestOutage?.chaos, 0);
  assert.equal(sum.chaos.length, 1);
  assert.equal(sum.chaos[0]!.failed, 180);
  assert.equal(sum.chaos[0]!.outcome, 'n2 took over, answering 3.60 s after; 180 failed');
  const text = renderSummary(sum, { software: 'halb', intervalMs: 20 }).join('\n');
  assert.match(text, /failovers +1: t=13\.6s n1→n2/);
  assert.match(text, /longest outage +3\.60 s from t=10\.0s, after n1's host died at t=10\.0s/);
  assert.match(text, /failed requests 180 of 975 after the first election \(18\.5 %\)/);
  assert.match(text, /t=10\.0s n1's host dies \(master\) → n2 took over, answering 3\.60 s after; 180 failed/);
});

test('a dead host that kept the VIP on its interface is a stale copy, not a second master', () => {
  const view = new LabView(OPTS);
  const dead = up({ n1: 'host-down' });
  for (const p of probes(0, 1000, 'n1')) view.probe(p);
  view.sample(sample(500, ['n1']));
  view.chaos({ t: 1000, kind: 'host-dies', target: 'n1', wasMaster: true });
  const notes = view.sample(sample(1250, ['n1'], dead)).map((n) => n.text);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /n1's host is down, yet its interface still has the VIP \(halb was SIGKILLed before it could remove it\).*no second master/);
  assert.deepEqual(view.sample(sample(4500, ['n1', 'n2'], dead)), [], 'noted once');
  const st = view.status(4500, 1000);
  assert.equal(st.phase, 'master', 'no dual master');
  assert.deepEqual(st.masters, ['n2']);
  assert.deepEqual(st.stale, ['n1']);
  assert.match(renderLine(st, { backends: [] }), /VIP on n2 \(stale copy on dead n1\)/);
  assert.deepEqual(view.summary(5000).duals, []);
});

test('n1 comes back and preempts: both hold the VIP during the hand-over, with the reason, then n2 lets go', () => {
  const view = new LabView(OPTS);
  const ps = [...probes(0, 24_100, 'n2'), ...probes(24_100, 26_000, 'n1')];
  view.chaos({ t: 20_000, kind: 'host-back', target: 'n1' });
  const notes = play(view, ps, [sample(19_000, ['n2'], up({ n1: 'host-down' })), sample(20_250, ['n2']), sample(24_250, ['n1', 'n2'], up(), 'n1'), sample(24_750, ['n1'], up(), 'n1')], 26_000);
  assert.equal(notes.length, 2, notes.join('\n'));
  assert.equal(
    notes[0],
    "VIP on n1 and n2, a hand-over: n1 came back and took the VIP (priority 150 > 100, it preempts); n2 keeps it 0.50 s after hearing n1's advert (make-before-break, so its connections in flight finish)",
  );
  assert.equal(notes[1], 'n2 has given the VIP up (dual for ≈ 0.50 s): n1 is the only master');
  const sum = view.summary(26_000);
  assert.equal(sum.duals.length, 1);
  assert.equal(sum.duals[0]!.kind, 'hand-over');
  assert.deepEqual(sum.failovers, [{ t: 24_100, from: 'n2', to: 'n1' }]);
  assert.equal(sum.chaos[0]!.outcome, 'n1 master again 4.10 s after (preempt); 0 failed');
  assert.match(renderSummary(sum, { software: 'halb', intervalMs: 20 }).join('\n'), /VIP on two +t=24\.3s n1\+n2 for ≈ 0\.50 s: hand-over/);
});

test('while both hold the VIP the live line says dual master', () => {
  const view = new LabView(OPTS);
  for (const p of probes(0, 1000, 'n1')) view.probe(p);
  view.sample(sample(500, ['n1']));
  view.sample(sample(750, ['n1', 'n2']));
  assert.match(renderLine(view.status(1000, 1000), { backends: [] }), /^\[ {2}1\.0s\] dual master n1\+n2 \| VIP on n1, n2 \|/);
});

test('two reachable holders for longer than a hand-over takes are a split brain', () => {
  const view = new LabView(OPTS);
  const notes: string[] = [];
  notes.push(...view.sample(sample(0, ['n1'])).map((n) => n.text));
  for (let t = 1000; t <= 7000; t += 1000) notes.push(...view.sample(sample(t, ['n1', 'n2'])).map((n) => n.text));
  assert.equal(notes.length, 2, notes.join('\n'));
  assert.match(notes[0]!, /hand-over: n2 took the VIP; n1 keeps it/);
  assert.match(notes[1]!, /VIP on n1 and n2, a split brain: both are up and have held the VIP for 5\.00 s, so they do not hear each other's adverts/);
  assert.equal(view.summary(7000).duals[0]!.kind, 'split-brain');
});

test('a holder whose daemon stopped with its link up is a real dual master', () => {
  const view = new LabView(OPTS);
  view.sample(sample(0, ['n1']));
  const notes = view.sample(sample(250, ['n1', 'n2'], up({ n1: 'stopped' }))).map((n) => n.text);
  assert.match(notes[0]!, /n1's halb is not running, yet the VIP is still on its interface and its kernel answers ARP for it/);
});

test('one in-flight answer from the old master is no failover', () => {
  const view = new LabView(OPTS);
  const ps = [...probes(0, 1000, 'n1'), { s: 1000, e: 1001, ok: true, lb: 'n2' }, { s: 1020, e: 1021, ok: true, lb: 'n2' }, ...probes(1040, 2000, 'n1')];
  for (const p of ps) view.probe(p);
  assert.deepEqual(view.summary(2000).failovers, []);
});

test('backend chaos: the outcome names the last answer of the dead backend and when the revived one answers again', () => {
  const view = new LabView(OPTS);
  view.chaos({ t: 1000, kind: 'backend-dies', target: 'b1' });
  view.chaos({ t: 3000, kind: 'backend-back', target: 'b1' });
  const ps: Probe[] = [
    ...probes(0, 1000, 'n1'),
    { s: 1000, e: 1004, ok: true, lb: 'n1', backend: 'b1' },
    { s: 1020, e: 1022, ok: false },
    { s: 1040, e: 1042, ok: true, lb: 'n1', backend: 'b2' },
    { s: 3100, e: 3102, ok: true, lb: 'n1', backend: 'b3' },
    { s: 3600, e: 3602, ok: true, lb: 'n1', backend: 'b1' },
  ];
  for (const p of ps) view.probe(p);
  const sum = view.summary(4000);
  assert.equal(sum.chaos[0]!.outcome, 'b1 still answered 0.00 s after (in flight), then health checks took b1 out; 1 failed');
  assert.equal(sum.chaos[1]!.outcome, 'b1 answering again 0.60 s after (health checks put it back); 0 failed');
});

test('the live view folds old requests away: the summary is the same however often the line is drawn', () => {
  const ps = [...probes(0, 2000), ...probes(2000, 30_000, 'n1'), ...probes(30_000, 33_000), ...probes(33_000, 60_000, 'n2')];
  const a = new LabView(OPTS);
  const b = new LabView(OPTS);
  for (const v of [a, b]) v.chaos({ t: 30_000, kind: 'host-dies', target: 'n1', wasMaster: true });
  play(a, ps, [sample(1900, ['n1']), sample(30_250, [], up({ n1: 'host-down' })), sample(33_000, ['n2'], up({ n1: 'host-down' }))], 60_000);
  for (const p of ps) b.probe(p);
  b.sample(sample(1900, ['n1']));
  assert.deepEqual(a.summary(60_000), b.summary(60_000));
});

test('answers are grouped by the LB node they came through', () => {
  assert.equal(answerLabels({ 'n2→b2': 3, 'n1→b3': 20, 'n1→b1': 20, 'n2→b1': 2 }), 'n1→b1×20 b3×20 n2→b1×2 b2×3');
  assert.equal(answerLabels({ n2: 5, n1: 40 }), 'n1×40 n2×5');
});

test('chaos cycles: master dies, comes back, a backend dies, comes back, the next backend; hosts only without a proxy', () => {
  const c = new ChaosCycle(true, ['b1', 'b2', 'b3']);
  assert.equal(c.peek(), 'host-dies');
  const steps = ['n1', 'n2', 'n2', 'n2', 'n2', 'n1', 'n1', 'n1'].map((m) => c.next(m));
  assert.deepEqual(
    steps.map((s) => `${s.kind} ${s.target}`),
    ['host-dies n1', 'host-back n1', 'backend-dies b1', 'backend-back b1', 'host-dies n2', 'host-back n2', 'backend-dies b2', 'backend-back b2'],
  );
  const k = new ChaosCycle(false, ['b1']);
  assert.deepEqual(
    [k.next('n1'), k.next('n2'), k.next('n2')].map((s) => s.kind),
    ['host-dies', 'host-back', 'host-dies'],
  );
});

test('an outage and its failures belong to the event that started it, even when the next event comes before it ends', () => {
  const view = new LabView(OPTS);
  view.chaos({ t: 1000, kind: 'host-dies', target: 'n1', wasMaster: true });
  view.chaos({ t: 2000, kind: 'backend-dies', target: 'b1' });
  // The request sent 10 ms before the kill fails because of it; n2 answers from 3.6 s on.
  const ps = [...probes(0, 990, 'n1'), ...probes(990, 3600), ...probes(3600, 5000, 'n2')];
  for (const p of ps) view.probe(p);
  const sum = view.summary(5000);
  assert.equal(sum.chaos[0]!.failed, 131);
  assert.equal(sum.chaos[1]!.failed, 0);
  assert.equal(sum.longestOutage?.chaos, 0);
  assert.equal(sum.chaos[0]!.outcome, 'n2 took over, answering 2.60 s after; 131 failed', 'read past the backend event');
  assert.match(renderSummary(sum, { software: 'halb', intervalMs: 20 }).join('\n'), /longest outage +2\.61 s from t=1\.0s, after n1's host died at t=1\.0s/);
});

test('a host that comes back before anyone took over: the death found no other node, the return tells who answered', () => {
  const view = new LabView(OPTS);
  view.chaos({ t: 1000, kind: 'host-dies', target: 'n1', wasMaster: true });
  view.chaos({ t: 2000, kind: 'host-back', target: 'n1' });
  for (const p of [...probes(0, 1000, 'n1'), ...probes(1000, 3000), ...probes(3000, 4000, 'n2'), ...probes(4000, 5000, 'n1')]) view.probe(p);
  const sum = view.summary(5000);
  assert.equal(sum.chaos[0]!.outcome, 'no other node answered within 1.00 s; 100 failed');
  assert.equal(sum.chaos[1]!.outcome, 'n1 master again 2.00 s after (preempt); 0 failed');
});
