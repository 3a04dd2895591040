// Collect pino JSON lines in memory.
import { pino, type Logger } from 'pino';

export interface Captured {
  readonly logger: Logger;
  readonly lines: Array<Record<string, unknown> & { msg: string }>;
}

export function captureLogs(level = 'debug'): Captured {
  const lines: Captured['lines'] = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}
