// A reload reads and parses the configuration in a worker thread. Reading is bounded
// (read-file.ts), but parsing a config near the size limit still takes seconds (a 4 MiB
// haproxy.cfg with 78,000 servers: 5-12 s on a 2-core machine), and on the daemon's event loop
// that would stop traffic, health checks and VRRP adverts for as long: a backup would take the
// VIPs over. In a worker only the hand-back costs the loop anything (the model arrives by
// structured clone and is frozen again here). The worker also gets its own heap limit, so a
// config that would need more memory than that fails the reload instead of the daemon.
import { Worker } from 'node:worker_threads';
import { freezeConfig } from './model.js';
import type { ConfigSources, LoadConfigResult } from './load.js';

export interface OffThreadOptions {
  /** Give up (and stop the worker) after this long; the reload is then refused. */
  readonly timeoutMs?: number;
  /** Old-generation heap of the worker, in MB. */
  readonly maxHeapMb?: number;
}

// The deadline is for stuck I/O (a hung network file system), not parsing: a 4 MiB halb.yaml takes
// 20-35 s on a loaded 2-core machine.
const OFF_THREAD_DEFAULTS = { timeoutMs: 120_000, maxHeapMb: 1024 } as const;

export function loadConfigOffThread(sources: ConfigSources, opts: OffThreadOptions = {}): Promise<LoadConfigResult> {
  const timeoutMs = opts.timeoutMs ?? OFF_THREAD_DEFAULTS.timeoutMs;
  const file = sources.yaml ?? sources.haproxy ?? sources.keepalived ?? '(command line)';
  const failed = (message: string): LoadConfigResult => ({ diagnostics: [{ severity: 'error', file, line: 0, message }] });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: LoadConfigResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), {
      workerData: { sources },
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? OFF_THREAD_DEFAULTS.maxHeapMb },
      stdout: false,
      stderr: false,
    });
    const timer = setTimeout(() => {
      finish(failed(`reading the configuration took more than ${timeoutMs / 1000} s; reload abandoned`));
      void worker.terminate();
    }, timeoutMs);
    worker.once('message', (r: LoadConfigResult) => {
      finish(r.config ? { config: freezeConfig(r.config), diagnostics: r.diagnostics } : r);
      void worker.terminate();
    });
    worker.once('error', (e) => finish(failed(`cannot load the configuration: ${e.message}`)));
    worker.once('exit', (code) => finish(failed(`configuration loader stopped (exit code ${code}) without a result`)));
  });
}
