// Parent side of the client prober (prober-main.ts runs inside the client namespace).
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Lab } from './topology.js';
import type { LabProcess } from './process.js';
import { analyzeOutage, steadyNode, type Attempt, type Mark, type OutageReport } from './outage.js';
import { waitFor } from './wait.js';

export interface ProberOptions {
  readonly port: number;
  /** A request every `intervalMs` (default 10), a fresh connection each. */
  readonly intervalMs?: number;
  /**
   * Per-attempt timeout (default 500 ms, below TCP's 1 s initial SYN retransmission, so a SYN sent
   * to a dead node is never rescued later by a retransmission to the new one).
   */
  readonly timeoutMs?: number;
  readonly maxCount?: number;
  readonly maxDurationMs?: number;
}

export class Prober {
  readonly attempts: Attempt[] = [];
  readonly marks: Mark[] = [];
  private readonly markWaiters = new Map<string, (t: number) => void>();
  private doneResolve!: () => void;
  readonly done: Promise<void> = new Promise((r) => (this.doneResolve = r));
  private finished = false;

  private constructor(
    readonly proc: LabProcess,
    readonly target: string,
  ) {
    const rl = createInterface({ input: proc.child.stdout! });
    rl.on('line', (line) => this.onLine(line));
    void proc.exited.then(() => {
      this.finished = true;
      this.doneResolve();
    });
  }

  static start(lab: Lab, client: string, target: string, opts: ProberOptions): Prober {
    const main = fileURLToPath(new URL('./prober-main.js', import.meta.url));
    const interval = opts.intervalMs ?? 10;
    const maxDuration = opts.maxDurationMs ?? 60_000;
    const argv = [process.execPath, main, target, String(opts.port), String(interval), String(opts.timeoutMs ?? 500), String(opts.maxCount ?? Math.ceil(maxDuration / interval)), String(maxDuration)];
    const log = lab.path(`prober-${client}.log`);
    const proc = lab.spawn(client, argv, { pipe: true, logFile: log });
    return new Prober(proc, target);
  }

  private onLine(line: string): void {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof o.mark === 'string' && typeof o.t === 'number') {
      this.marks.push({ name: o.mark, t: o.t });
      this.markWaiters.get(o.mark)?.(o.t);
      this.markWaiters.delete(o.mark);
    } else if (typeof o.i === 'number') {
      this.attempts.push(o as unknown as Attempt);
    }
  }

  get running(): boolean {
    return !this.finished;
  }

  /** Marks an event on the prober's clock; resolves with its timestamp once echoed. */
  mark(name: string): Promise<number> {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`bad mark name "${name}"`);
    const p = new Promise<number>((resolve, reject) => {
      this.markWaiters.set(name, resolve);
      setTimeout(() => reject(new Error(`prober did not echo mark ${name}`)), 5000).unref();
    });
    this.proc.child.stdin!.write(`${name}\n`);
    return p;
  }

  markTime(name: string): number | undefined {
    return this.marks.find((m) => m.name === name)?.t;
  }

  /** Waits until the last `n` attempts were all answered by `node` (or by anyone, if undefined). */
  waitSteady(node: string | undefined, n: number, timeoutMs: number): Promise<string> {
    return waitFor(
      `client to get ${n} answers in a row from ${node ?? 'one node'} via ${this.target}`,
      () => {
        const s = steadyNode(this.attempts, n);
        if (s !== undefined && (node === undefined || s === node)) return s;
        if (!this.running) throw new Error('prober exited');
        return undefined;
      },
      { timeoutMs, intervalMs: 20 },
    );
  }

  /** Answers in the last `ms` of prober time, by node ('FAIL' for failures). */
  recentSummary(ms: number): Record<string, number> {
    const last = this.attempts.at(-1)?.e ?? 0;
    const r: Record<string, number> = {};
    for (const a of this.attempts) {
      if (a.e < last - ms) continue;
      const k = a.ok ? a.node! : 'FAIL';
      r[k] = (r[k] ?? 0) + 1;
    }
    return r;
  }

  /** Drops attempts that ended more than `ms` before the newest one (long-running live views). */
  prune(ms: number): void {
    const last = this.attempts.at(-1)?.e ?? 0;
    const keepFrom = this.attempts.findIndex((a) => a.e >= last - ms);
    if (keepFrom > 0) this.attempts.splice(0, keepFrom);
  }

  /** Removes and returns the attempts received so far (a consumer that keeps its own tally). */
  drain(): Attempt[] {
    return this.attempts.splice(0, this.attempts.length);
  }

  async stop(): Promise<void> {
    if (this.running) this.proc.child.stdin!.end('stop\n');
    const t = setTimeout(() => this.proc.signal('SIGKILL'), 5000);
    await this.done;
    clearTimeout(t);
  }

  analyze(eventMark: string): OutageReport {
    const t = this.markTime(eventMark);
    if (t === undefined) throw new Error(`no mark "${eventMark}"`);
    return analyzeOutage(this.attempts, t);
  }
}
