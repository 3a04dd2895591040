// Per-round results of one measurement, and the statistic that copes with a drifting machine.
// Contenders take turns within each round, so the two results of one round were measured
// seconds apart: their ratio cancels slow swings of the machine's speed (seen here: 2× within
// a minute), which a ratio of two "best of N" values does not.
import type { ContenderName } from './contenders.js';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export class Rounds {
  private readonly values = new Map<ContenderName, Map<number, number>>();

  add(c: ContenderName, round: number, v: number): void {
    let m = this.values.get(c);
    if (!m) this.values.set(c, (m = new Map()));
    m.set(round, v);
  }

  /** Each contender's median over its rounds. */
  medians(): [ContenderName, number][] {
    return [...this.values].map(([c, m]) => [c, median([...m.values()])]);
  }

  format(digits: number): string {
    return [...this.values].map(([c, m]) => `${c} ${[...m.values()].map((v) => v.toFixed(digits)).join(' / ')}`).join('; ');
  }

  /** a/b for every round both have a result in, in round order. */
  paired(a: ContenderName, b: ContenderName): number[] {
    const ma = this.values.get(a);
    const mb = this.values.get(b);
    if (!ma || !mb) return [];
    return [...ma]
      .filter(([r]) => mb.has(r) && mb.get(r)! > 0)
      .sort(([x], [y]) => x - y)
      .map(([r, v]) => v / mb.get(r)!);
  }

  /** A note line with the per-round halb/haproxy ratios and their median, or undefined. */
  pairedNote(what: string): string | undefined {
    const r = this.paired('halb', 'haproxy');
    if (r.length < 2) return undefined;
    return `${what} halb/haproxy within each round (turns seconds apart): ${r.map((x) => x.toFixed(2)).join(' / ')}; median ${median(r).toFixed(2)}×`;
  }
}
