// The backends every contender is measured against, started once per bench run on the load CPU.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Child, Placement, Procs } from './procs.js';
import { freePorts, waitForPort } from './ports.js';
import { HOST, renderResponderCfg } from './topology.js';

export const TOOLS = (name: string): string => fileURLToPath(new URL(`./tools/${name}.js`, import.meta.url));
/** Not compiled: resolved in the source tree from dist/bench/lb/. */
export const BULK_PY = fileURLToPath(new URL('../../../bench/lb/tools/bulk-endpoint.py', import.meta.url));

/** The zero-copy Python endpoints need python3 >= 3.10 (os.splice) on Linux. */
function havePySplice(): boolean {
  if (!existsSync(BULK_PY)) return false;
  try {
    execFileSync('python3', ['-c', 'import os; os.splice; os.memfd_create'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function portOf(line: string): number {
  const p = (JSON.parse(line) as { port?: number }).port;
  if (!p) throw new Error(`no port in ${line}`);
  return p;
}

/** Starts a tool (compiled bench/lb/tools/NAME.js) and waits for its `listening` line. */
export async function startTool(procs: Procs, name: string, args: string[], where: Placement): Promise<{ child: Child; port: number }> {
  const child = procs.spawn(name, process.execPath, [TOOLS(name), ...args], where);
  const port = portOf(await child.waitForLine(/"event":"listening"/, 10_000));
  return { child, port };
}

export interface Shared {
  httpPort: number;
  httpBackend: string;
  bulkPort: number;
  bulkPy: boolean;
  idlePort: number;
  idleServer: Child;
}

/**
 * An HTTP backend answering 200 "ok" with `x-server: NAME`. haproxy's own `http-request return`
 * answers without any server behind it, in C, so the backend costs far less per request than either
 * proxy and is never what limits a proxied run; a Node server is the fallback without haproxy.
 */
export async function startHttpBackend(procs: Procs, name: string, load: Placement, useHaproxy: boolean, workDir: string): Promise<{ child: Child; port: number }> {
  if (!useHaproxy) return startTool(procs, 'ok-server', [name], load);
  const [port] = (await freePorts(1)) as [number];
  const dir = mkdtempSync(join(workDir, `responder-${name}-`));
  writeFileSync(join(dir, 'responder.cfg'), renderResponderCfg(port, 4096, name));
  const child = procs.spawn(`responder-${name}`, 'haproxy', ['-db', '-f', join(dir, 'responder.cfg')], load);
  await waitForPort(port, 10_000, HOST, () => !child.hasExited()).catch((e: Error) => {
    throw new Error(`responder: ${e.message}: ${child.lines.slice(-3).join(' | ')}`);
  });
  return { child, port };
}

export async function startSharedBackends(procs: Procs, load: Placement, useHaproxy: boolean, workDir: string): Promise<Shared> {
  const { port: httpPort } = await startHttpBackend(procs, 's1', load, useHaproxy, workDir);
  const httpBackend = useHaproxy ? 'haproxy `http-request return` responder (nbthread 1)' : 'node http server';
  // Bulk endpoints: zero-copy (splice/sendfile) when python3 can, so only the proxy copies bytes; a Node
  // sink/source copies as much per byte as the proxy does and, on one CPU, caps every contender alike.
  const bulkPy = havePySplice();
  let bulkPort: number;
  if (bulkPy) {
    const child = procs.spawn('bulk-endpoint', 'python3', [BULK_PY, 'server'], load);
    bulkPort = portOf(await child.waitForLine(/"event": ?"listening"/, 10_000));
  } else {
    ({ port: bulkPort } = await startTool(procs, 'bulk-server', [], load));
  }
  const idle = await startTool(procs, 'idle-server', [], load);
  return { httpPort, httpBackend, bulkPort, bulkPy, idlePort: idle.port, idleServer: idle.child };
}
