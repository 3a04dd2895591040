// Process-wide allocator setting for the data plane (see set_malloc_trim_threshold in
// native/halb_native.c): without it glibc hands freed socket read buffers back to the kernel and
// every relayed 64 KiB faults in fresh pages (measured: 2× the CPU per byte in tcp bulk).
import { EVENT } from '../log/events.js';
import type { Logger } from '../log/logger.js';
import { loadNative } from './addon.js';

/** Freed heap glibc may keep for reuse before trimming: a few hundred 64 KiB read buffers. */
export const TRIM_THRESHOLD_BYTES = 32 * 1024 * 1024;

/** Best effort: without the addon (or glibc) the proxy works, only with more page faults. */
export function keepFreedHeapForReuse(logger?: Logger): boolean {
  let ok: boolean;
  try {
    ok = loadNative().setMallocTrimThreshold?.(TRIM_THRESHOLD_BYTES) ?? false;
  } catch {
    ok = false;
  }
  logger?.debug(
    { event: EVENT.allocator_tuning, trimThreshold: TRIM_THRESHOLD_BYTES, applied: ok },
    ok ? 'malloc trim threshold raised' : 'malloc trim threshold unchanged (no native addon or not glibc)',
  );
  return ok;
}
