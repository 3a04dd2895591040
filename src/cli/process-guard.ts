// Installed first thing by every start path (bin/halb.js imports it before the CLI; src/cli/main.ts
// imports it first), before any other module of halb runs.
//
// SIGUSR1: Node's default is to open the V8 inspector on 127.0.0.1:9229, which lets any local user
// run code as halb's user — root. A JS listener replaces Node's handler (checked on Node 20:
// nothing listens on 9229 after `kill -USR1`); Node 20 has no --disable-sigusr1. SIGUSR2's default
// kills the process without a hand-over. Both stay caught for the life of the process; the
// daemon's own table (src/daemon/signal-table.ts) adds what they do while it runs.
//
// An inspector that is open anyway (a SIGUSR1 in the few milliseconds before this module ran, or
// --inspect in the command line or NODE_OPTIONS) is closed: always when no flag asked for it, and
// as root unless HALB_ALLOW_INSPECTOR=1 says a developer wants it.
import inspector from 'node:inspector';
import { readSwitches } from './switches.js';

const keep = (): void => {};
process.on('SIGUSR1', keep);
process.on('SIGUSR2', keep);

/** Whether the command line or NODE_OPTIONS asked for the inspector. */
export function inspectorRequested(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => /^--inspect(-brk|-wait)?(=|$)/.test(a));
}

function closeStrayInspector(): void {
  if (inspector.url() === undefined) return;
  const requested = inspectorRequested(process.execArgv, process.env.NODE_OPTIONS);
  const root = process.getuid?.() === 0;
  if (requested && (!root || readSwitches(process.env).allowInspector)) return;
  inspector.close();
  process.stderr.write(
    requested
      ? 'halb: the Node inspector (--inspect) was closed: as root it lets any local user run code as root; set HALB_ALLOW_INSPECTOR=1 to keep it\n'
      : 'halb: the Node inspector opened by an early SIGUSR1 was closed\n',
  );
}

closeStrayInspector();
// A SIGUSR1 that arrived before the listener above opens the inspector on a later turn of the
// event loop: look again then.
setImmediate(closeStrayInspector).unref();
setTimeout(closeStrayInspector, 200).unref();
