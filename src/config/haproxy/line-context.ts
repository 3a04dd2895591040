// One haproxy.cfg line being interpreted: its words plus helpers that report a problem at
// the right file:line:col with the directive named. Pure module.
import type { Diagnostics } from '../diagnostics.js';
import type { SourcePos } from '../model.js';
import type { Word } from './tokenize.js';
import { parseDuration, parseUint } from '../units.js';

export class LineContext {
  constructor(
    readonly diags: Diagnostics,
    readonly file: string,
    readonly line: number,
    readonly words: readonly Word[],
    /** e.g. "timeout connect" or "server": what the diagnostics name. */
    public directive: string,
  ) {}

  get pos(): SourcePos {
    return { file: this.file, line: this.line, col: this.words[0]?.col ?? 1 };
  }
  arg(i: number): string | undefined {
    return this.words[i]?.text;
  }
  col(i: number): number {
    return this.words[Math.min(i, this.words.length - 1)]?.col ?? 1;
  }
  error(i: number, message: string, hint?: string): void {
    this.diags.error(this.file, this.line, message, { col: this.col(i), directive: this.directive, ...(hint ? { hint } : {}) });
  }
  warning(i: number, message: string, hint?: string): void {
    this.diags.warning(this.file, this.line, message, { col: this.col(i), directive: this.directive, ...(hint ? { hint } : {}) });
  }
  note(i: number, message: string): void {
    this.diags.note(this.file, this.line, message, { col: this.col(i), directive: this.directive });
  }

  /** Argument i must exist; reports and returns undefined otherwise. */
  need(i: number, what: string): string | undefined {
    const v = this.arg(i);
    if (v === undefined) this.error(Math.max(0, i - 1), `missing ${what}`);
    return v;
  }
  time(i: number, what = 'time'): number | undefined {
    const t = this.need(i, what);
    if (t === undefined) return undefined;
    const r = parseDuration(t);
    if (!r.ok) {
      this.error(i, r.reason);
      return undefined;
    }
    return r.value;
  }
  uint(i: number, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const t = this.need(i, what);
    if (t === undefined) return undefined;
    const r = parseUint(t, min, max);
    if (!r.ok) {
      this.error(i, `${what}: ${r.reason}`);
      return undefined;
    }
    return r.value;
  }
  /** Extra words after what the directive takes are a mistake HAProxy reports too. */
  noMore(from: number): void {
    if (this.words.length > from) this.error(from, `unexpected extra argument '${this.words[from]!.text}'`);
  }
}
