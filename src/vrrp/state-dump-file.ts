// Writes keepalived's dump files (state-dump.ts) for SIGUSR1/SIGUSR2. The default paths are
// keepalived's own (/tmp/keepalived.data, /tmp/keepalived.stats), so liveness probes written for
// keepalived work unchanged. The file is written under a fresh name in the same directory and
// renamed over the old one: a probe never reads half a file, and a symlink planted at the
// well-known name in a shared /tmp is replaced, never followed (halb may run as root).
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { VrrpConfig } from '../config/model-vrrp.js';
import type { InstanceCounters, InstanceStatus } from './runtime.js';
import { dumpStats, keepalivedData, keepalivedStats, type DumpInput, type DumpScript } from './state-dump.js';

/**
 * `1796692524.546167 (Tue Dec  8 01:15:24.546167 2026)`: keepalived writes a timeval with
 * ctime_r(), i.e. in the process's local time zone.
 */
export function keepalivedTime(wallMs: number): string {
  const d = new Date(wallMs);
  const sec = Math.floor(wallMs / 1000);
  const usec = String(Math.min(999_999, Math.round((wallMs - sec * 1000) * 1000))).padStart(6, '0');
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number): string => String(n).padStart(2, '0');
  const ctime = `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${sec}.${usec} (${ctime}.${usec} ${d.getFullYear()})`;
}

/** What the dump is made of, read from the running VRRP service at the moment of the signal. */
export interface DumpSources {
  readonly config: VrrpConfig;
  readonly status: readonly InstanceStatus[];
  readonly counters: Readonly<Record<string, InstanceCounters>>;
  /** Script name → its tracker status. */
  readonly scriptStatus: (name: string) => 'ok' | 'failed' | 'unknown';
  /** Monotonic now (the clock of `status[].since`) and the wall clock at the same instant. */
  readonly monoNow: number;
  readonly wallNow: number;
}

export function dumpInput(src: DumpSources): DumpInput {
  const byName = new Map(src.config.instances.map((i) => [i.name, i] as const));
  const scriptDefs = new Map(src.config.scripts.map((s) => [s.name, s] as const));
  const instances = src.status.flatMap((st) => {
    const cfg = byName.get(st.name);
    if (!cfg) return [];
    return [
      {
        cfg,
        state: st.state,
        effectivePriority: st.priority,
        lastTransition: keepalivedTime(src.wallNow - (src.monoNow - st.since)),
        ...(st.master !== undefined ? { master: { address: st.master, priority: st.masterPriority ?? 0 } } : {}),
        ...(st.sourceIp !== undefined ? { sourceIp: st.sourceIp } : {}),
        trackScripts: cfg.trackScripts.map((t) => ({ name: t.name, weight: t.weight ?? scriptDefs.get(t.name)?.weight ?? 0 })),
        faults: st.failingTracks ?? 0,
      },
    ];
  });
  const scripts: DumpScript[] = src.config.scripts.map((def) => {
    const s = src.scriptStatus(def.name);
    return {
      def,
      status: s === 'ok' ? 'GOOD' : s === 'failed' ? 'BAD' : 'INIT',
      trackedBy: src.config.instances.flatMap((i) => i.trackScripts.filter((t) => t.name === def.name).map((t) => ({ instance: i.name, weight: t.weight ?? def.weight }))),
    };
  });
  return { globals: src.config.globals, instances, scripts };
}

export function dumpTexts(src: DumpSources): { readonly data: string; readonly stats: string } {
  return {
    data: keepalivedData(dumpInput(src)),
    stats: keepalivedStats(src.status.filter((s) => src.counters[s.name]).map((s) => dumpStats(s.name, src.counters[s.name]!))),
  };
}

/** Replaces `path` with `text` (mode 0600, as keepalived's umask 0177 gives). */
export async function writeDumpFile(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
