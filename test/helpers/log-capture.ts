// A pino logger writing into memory, so tests can wait for and assert log lines.
// Writes are synchronous: a line is in `lines` as soon as the logging call returns.
import { pino, type Logger } from 'pino';

export type LogLine = Record<string, unknown> & { msg: string; level: number; _t?: number };

export interface CaptureOptions {
  /** Lowest level kept (default 'info'). */
  readonly level?: string;
  /** When given, each line is stamped with `_t` = now() at the time it was logged. */
  readonly now?: () => number;
}

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: LogLine[];
  /** Resolves with the first line matching `pred` (already logged or future). */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

export function captureLogger(opts: CaptureOptions = {}): CapturedLogger {
  const lines: LogLine[] = [];
  const waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  const write = (chunk: string): void => {
    for (const text of chunk.split('\n')) {
      if (!text) continue;
      const l = JSON.parse(text) as LogLine;
      if (opts.now) l._t = opts.now();
      lines.push(l);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.pred(l)) {
          waiters[i]!.resolve(l);
          waiters.splice(i, 1);
        }
      }
    }
  };
  const logger = pino({ level: opts.level ?? 'info' }, { write });
  return {
    logger,
    lines,
    waitFor(pred, timeoutMs = 5000) {
      const found = lines.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no log line matched; have ${JSON.stringify(lines.slice(-5))}`)), timeoutMs);
        waiters.push({
          pred,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
      });
    },
  };
}
