// Gives memory back after a connection storm (proxy/storm-watch.ts decides when): a major GC
// collects the closed sockets' objects and lets V8 uncommit its empty pages and free their
// buffers' backing stores, then glibc's malloc_trim(0) returns free arena pages to the kernel
// (the raised trim threshold in allocator.ts otherwise keeps up to 32 MiB at the heap top, and
// glibc never trims below it). Best effort: without the addon or a reachable gc() it does less.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadNative } from './addon.js';

type Gc = (opts?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void | Promise<void>;

let gcFn: Gc | null | undefined;

/** V8's gc(), reachable without --expose-gc on the command line (flag set before a fresh context). */
function gc(): Gc | null {
  if (gcFn !== undefined) return gcFn;
  try {
    const g = (globalThis as { gc?: Gc }).gc;
    if (typeof g === 'function') return (gcFn = g);
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as Gc;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

function trim(): boolean {
  try {
    return loadNative().mallocTrim?.() ?? false;
  } catch {
    return false;
  }
}

/**
 * Resolves once the GC and the trim are done; never rejects. `sync`: one stop-the-world GC (fine
 * when nothing is being served yet, e.g. right after the start-up warm-up); otherwise concurrent
 * marking lets the event loop keep serving while the heap is traced.
 */
export async function releaseMemory(sync = false): Promise<{ gc: boolean; trimmed: boolean }> {
  const g = gc();
  if (g) {
    try {
      await g({ type: 'major', execution: sync ? 'sync' : 'async' });
    } catch {
      /* best effort */
    }
  }
  // Backing stores of collected buffers are freed by V8's platform tasks just after the GC.
  await new Promise((r) => setTimeout(r, 50).unref());
  return { gc: g !== null, trimmed: trim() };
}
