// Proxy RSS cost of idle client connections (tcp mode: each also holds a server-side connection;
// http mode: a client connection that has sent nothing holds none), and what is left of it once
// they have closed: RSS a while (10 s in the full run) after the last one is gone, against the level before they opened.
import type { Child, Placement, Procs } from './procs.js';
import type { RunningProxy } from './contenders.js';
import { rssKb } from './proc-stats.js';
import { TOOLS, sleep, type Shared } from './backends.js';

export interface IdleResult {
  kbPerConn: number;
  beforeKb: number;
  /** RSS 5 s after every connection is open (halb gives back the set-up garbage after ~2-3 s). */
  afterKb: number;
  /** RSS 1 s after every connection is open. */
  after1sKb: number;
  /** RSS `settleMs` after every connection closed. */
  closedKb: number;
  open: number;
}

export async function idleRss(procs: Procs, px: RunningProxy, shared: Shared, n: number, loadAt: Placement, mode: 'tcp' | 'http' = 'tcp', settleMs = 10_000): Promise<IdleResult> {
  const pid = px.pid!;
  const fe = mode === 'tcp' ? 'fe_idle' : 'fe_idle_http';
  const countIndex = shared.idleServer.lines.length;
  await sleep(1000);
  const before = rssKb(pid);
  const clients = procs.spawn('idle-clients', process.execPath, [TOOLS('idle-clients'), String(px.endpoint(fe).port), String(n)], loadAt);
  try {
    const ready = JSON.parse(await clients.waitForLine(/"event":"ready"/, 40_000)) as { open: number; failed: number };
    if (ready.open === 0) throw new Error('no idle connection could be opened');
    // Wait until the proxy has opened its server side of every connection too.
    const want = ready.open;
    if (mode === 'tcp') await waitIdleCount(shared.idleServer, (n) => n >= want, 10_000, countIndex);
    await sleep(1000);
    const after1sKb = rssKb(pid);
    await sleep(4000);
    const after = rssKb(pid);
    await clients.kill('SIGTERM');
    // Let the proxy close its server side too before measuring what is left.
    if (mode === 'tcp') await waitIdleCount(shared.idleServer, (n) => n === 0, 10_000);
    await sleep(settleMs);
    const closedKb = rssKb(pid);
    return { kbPerConn: (after - before) / ready.open, beforeKb: before, afterKb: after, after1sKb, closedKb, open: ready.open };
  } finally {
    await clients.kill('SIGTERM');
    if (mode === 'tcp') await waitIdleCount(shared.idleServer, (n) => n === 0, 10_000);
  }
}

/** Resolves when the idle server's latest reported open count satisfies `ok`, or after `timeoutMs`. */
function waitIdleCount(server: Child, ok: (n: number) => boolean, timeoutMs: number, fromIndex = 0): Promise<void> {
  return new Promise<void>((resolve) => {
    let done = false;
    let off = (): void => {};
    const finish = (): void => {
      if (!done) {
        done = true;
        clearTimeout(deadline);
        off();
        resolve();
      }
    };
    const deadline = setTimeout(finish, timeoutMs);
    const check = (l: string): void => {
      if (l.includes('"event":"count"') && ok((JSON.parse(l) as { open: number }).open)) finish();
    };
    const last = server.lines
      .slice(fromIndex)
      .filter((l) => l.includes('"event":"count"'))
      .pop();
    if (last) check(last);
    if (!done) off = server.onLine(check);
  });
}
