// One timed bulk transfer through a tcp-mode frontend.
import type { Placement, Procs } from './procs.js';
import { BULK_PY, TOOLS } from './backends.js';

export async function bulk(procs: Procs, port: number, op: 'U' | 'D', bytes: number, loadAt: Placement, py: boolean): Promise<number> {
  const r = py
    ? await procs.run('bulk-client', 'python3', [BULK_PY, 'client', String(port), op, String(bytes)], loadAt, 70_000)
    : await procs.run('bulk-client', process.execPath, [TOOLS('bulk-client'), String(port), op, String(bytes)], loadAt, 70_000);
  const line = r.stdout.split('\n').find((l) => /"event": ?"result"/.test(l));
  if (!line) throw new Error(`bulk-client: ${r.stdout || r.stderr}`.slice(0, 300));
  const { bytes: b, seconds } = JSON.parse(line) as { bytes: number; seconds: number };
  return (b * 8) / seconds / 1e9;
}
