// What the daemon does for each signal an operator (or a keepalived-minded probe) may send. Pure:
// the table is data, src/daemon/signals.ts installs it.
//
// keepalived users send USR1/USR2 out of habit (keepalived writes /tmp/keepalived.data and
// /tmp/keepalived.stats), and liveness probes do too. Left to Node's defaults, SIGUSR1 opens the
// V8 inspector on 127.0.0.1:9229 (code execution as halb's user, root) and SIGUSR2 kills the
// process without a hand-over. So every signal with a fatal default that is plausibly sent by hand
// gets a row. Left at the default on purpose:
//   SIGKILL, SIGSTOP       cannot be caught;
//   SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS
//                          a crash or a deliberate core dump: the core is what the sender wants
//                          (the next start removes stale VIPs from the run directory);
//   SIGPIPE, SIGXFSZ       Node already ignores them (the write fails with EPIPE / EFBIG); a JS
//                          listener would log on every such write, to a stdout that may be the
//                          closed pipe;
//   SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT, SIGWINCH, SIGCHLD, SIGURG
//                          not fatal (job control or ignored by default).

/** What a signal asks for. `dump-*` are keepalived's state dumps (src/vrrp/state-dump.ts). */
export type SignalAction = 'stop' | 'reload' | 'dump-data' | 'dump-stats' | 'memory' | 'ignore';

export interface SignalRule {
  readonly action: SignalAction;
  /** Shown in the log line and the docs: what happens, and whose habit it follows. */
  readonly note: string;
}

export const SIGNAL_TABLE = {
  SIGTERM: { action: 'stop', note: 'hand VIPs over (priority-0 advert), drain, exit 0 — keepalived and HAProxy stop too' },
  SIGINT: { action: 'stop', note: 'as SIGTERM (Ctrl-C)' },
  SIGHUP: { action: 'reload', note: 'reload the configuration; a bad one is refused and the running one kept — as keepalived' },
  SIGUSR1: { action: 'dump-data', note: "write keepalived's data dump ($TMPDIR or /tmp/keepalived.data) — as keepalived; never Node's inspector" },
  SIGUSR2: { action: 'dump-stats', note: "write keepalived's stats dump ($TMPDIR or /tmp/keepalived.stats) — as keepalived" },
  SIGQUIT: { action: 'memory', note: 'log memory figures and keep running — HAProxy dumps its memory pools' },
  SIGXCPU: { action: 'stop', note: 'CPU soft limit reached: hand over cleanly before the kernel sends SIGKILL' },
  SIGPWR: { action: 'stop', note: 'power failure: hand over while the node can' },
  SIGALRM: { action: 'ignore', note: 'no meaning for halb' },
  SIGVTALRM: { action: 'ignore', note: 'no meaning for halb' },
  SIGPROF: { action: 'ignore', note: 'no meaning for halb (profilers use their own channel)' },
  SIGIO: { action: 'ignore', note: 'no meaning for halb' },
  SIGSTKFLT: { action: 'ignore', note: 'no meaning for halb' },
} as const satisfies Record<string, SignalRule>;

export type HandledSignal = keyof typeof SIGNAL_TABLE;

export const HANDLED_SIGNALS = Object.keys(SIGNAL_TABLE) as HandledSignal[];

/** The log message for a received signal; `stopping` says a stop is already under way. */
export function signalMessage(signal: HandledSignal, stopping: boolean): string {
  const rule: SignalRule = SIGNAL_TABLE[signal];
  switch (rule.action) {
    case 'stop':
      return stopping ? `received ${signal}, already stopping` : `received ${signal}, stopping`;
    case 'reload':
      return stopping ? `received ${signal} while stopping, not reloaded` : `received ${signal}, reloading`;
    case 'dump-data':
      return `received ${signal}: writing keepalived's data dump`;
    case 'dump-stats':
      return `received ${signal}: writing keepalived's stats dump`;
    case 'memory':
      return `received ${signal}: memory figures, still running`;
    case 'ignore':
      return `received ${signal} (${rule.note}), ignored`;
    default: {
      const never: never = rule.action;
      return never;
    }
  }
}
