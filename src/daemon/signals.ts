// Thin installer of the signal table (signal-table.ts): one process listener per handled signal,
// each logging one `signal` line and calling the daemon's handler for its action. Listeners stay
// until the process exits, so a second SIGTERM during the hand-over is logged, not fatal.
import { HANDLED_SIGNALS, SIGNAL_TABLE, signalMessage, type HandledSignal } from './signal-table.js';
import type { Logger } from '../log/logger.js';
import { EVENT } from '../log/events.js';

export interface SignalHandlers {
  /** Hand over and stop; called once, however many stop signals arrive. */
  stop(): Promise<void>;
  reload(): Promise<unknown>;
  /** keepalived's state dumps: the one place where the dump writer plugs in. */
  dump(kind: 'data' | 'stats'): void;
}

export interface InstalledSignals {
  /** Resolves when a stop signal's stop has finished. */
  readonly stopped: Promise<void>;
  /** Removes the listeners (tests; the CLI keeps them until exit). */
  uninstall(): void;
}

export function installSignals(logger: Logger, handlers: SignalHandlers): InstalledSignals {
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const listeners = new Map<HandledSignal, () => void>();

  const on = (signal: HandledSignal): void => {
    const action = SIGNAL_TABLE[signal].action;
    const line = { event: EVENT.signal, signal, action };
    switch (action) {
      case 'stop':
        logger.info(line, signalMessage(signal, stopping !== undefined));
        stopping ??= handlers.stop().then(resolveStopped);
        return;
      case 'reload':
        logger.info(line, signalMessage(signal, stopping !== undefined));
        if (!stopping) void handlers.reload();
        return;
      case 'dump-data':
      case 'dump-stats':
        logger.info(line, signalMessage(signal, false));
        handlers.dump(action === 'dump-data' ? 'data' : 'stats');
        return;
      case 'memory': {
        const m = process.memoryUsage();
        logger.info({ ...line, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers }, signalMessage(signal, false));
        return;
      }
      case 'ignore':
        logger.info(line, signalMessage(signal, false));
        return;
      default: {
        const never: never = action;
        return never;
      }
    }
  };

  for (const signal of HANDLED_SIGNALS) {
    const l = () => on(signal);
    listeners.set(signal, l);
    process.on(signal, l);
  }
  return {
    stopped,
    uninstall: () => {
      for (const [signal, l] of listeners) process.off(signal, l);
    },
  };
}
