// Collect pino JSON lines in memory; with `now`, each line is stamped with `_t` (ms).
import { pino, type Logger } from 'pino';

export interface Captured {
  readonly logger: Logger;
  readonly lines: Array<Record<string, unknown> & { msg: string; _t?: number }>;
}

export function captureLogs(level = 'debug', now?: () => number): Captured {
  const lines: Captured['lines'] = [];
  const logger = pino({ level }, {
    write: (s: string) => {
      const line = JSON.parse(s) as Captured['lines'][number];
      if (now) line._t = now();
      lines.push(line);
    },
  });
  return { logger, lines };
}
