// A pino logger writing into memory, so tests can wait for and assert access-log lines.
import { pino, type Logger } from 'pino';
import { Writable } from 'node:stream';

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: Record<string, unknown>[];
  /** Resolves with the first line matching `pred` (already logged or future). */
  waitFor(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function captureLogger(): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const text of chunk.toString().split('\n')) {
        if (!text) continue;
        const l = JSON.parse(text) as Record<string, unknown>;
        lines.push(l);
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i]!.pred(l)) {
            waiters[i]!.resolve(l);
            waiters.splice(i, 1);
          }
        }
      }
      cb();
    },
  });
  const logger = pino({ level: 'info' }, stream);
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
