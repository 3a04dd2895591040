// Leftovers of labs whose process died (SIGKILL, crash, power loss of the test runner): namespaces
// named `<prefix>-<pid>-…` whose pid is gone, their processes, and their work directories. Labs of
// processes still alive are never touched: other test runs on this machine may own them.
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLabNs } from './names.js';
import { run } from './run.js';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends SIGKILL to every process inside namespace `ns` and waits (bounded) for them to go. */
export async function killNsPids(ns: string): Promise<number> {
  let killed = 0;
  for (let round = 0; round < 20; round++) {
    const r = await run('ip', ['netns', 'pids', ns], { allowFail: true });
    const pids = r.stdout
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((p) => p > 1 && p !== process.pid);
    if (pids.length === 0) return killed;
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
        killed++;
      } catch {
        /* already gone */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return killed;
}

export interface CleanupReport {
  readonly namespaces: string[];
  readonly processes: number;
  readonly dirs: string[];
}

export async function cleanupStale(prefix: string): Promise<CleanupReport> {
  const report: CleanupReport = { namespaces: [], processes: 0, dirs: [] };
  const list = await run('ip', ['netns', 'list'], { allowFail: true });
  const names = list.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
  const stale = names.filter((n) => {
    const p = parseLabNs(n, prefix);
    return p !== undefined && !pidAlive(p.pid);
  });
  let processes = 0;
  for (const ns of stale) {
    processes += await killNsPids(ns);
    await run('ip', ['netns', 'del', ns], { allowFail: true });
    report.namespaces.push(ns);
  }
  for (const d of safeReaddir(tmpdir())) {
    const m = new RegExp(`^${prefix}-(\\d+)-[a-z0-9]{4}-`).exec(d);
    if (m && !pidAlive(Number(m[1]))) {
      rmSync(join(tmpdir(), d), { recursive: true, force: true });
      report.dirs.push(d);
    }
  }
  return { ...report, processes };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
