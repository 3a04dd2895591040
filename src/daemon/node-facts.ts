// Adapter: gathers what src/config/node-checks.ts judges — capabilities from /proc/self/status,
// sysctls from /proc/sys, interfaces from /proc/self/net/dev, addresses from the kernel, and
// whether files can be written or run. Every read degrades to a safe default (an unreadable
// sysctl counts as its kernel default) so a check never crashes on an unusual host.
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseCapEff, parseProcNetTcp, type FileStatus, type NodeFacts } from '../config/node-checks.js';
import { DEFAULT_RUN_DIR } from '../vip/linux.js';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function sysctl(path: string, fallback: number): number {
  const n = Number.parseInt(readText(path)?.trim() ?? '', 10);
  return Number.isFinite(n) ? n : fallback;
}

/** A directory is writable if it is, or if its nearest existing parent lets us create it. */
function runDirFacts(path: string): NodeFacts['runDir'] {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    if (!statSync(dir).isDirectory()) return { path, writable: false, reason: `${dir} is not a directory` };
    accessSync(dir, constants.W_OK | constants.X_OK);
    return { path, writable: true };
  } catch (e) {
    return { path, writable: false, reason: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

function programStatus(name: string, env: NodeJS.ProcessEnv): FileStatus {
  const candidates = name.includes('/')
    ? [name]
    : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, name));
  let found = false;
  for (const c of candidates) {
    try {
      if (!statSync(c).isFile()) continue;
      found = true;
      accessSync(c, constants.X_OK);
      return 'ok';
    } catch {
      // not here, or not executable by us: keep looking through PATH
    }
  }
  return found ? 'not-executable' : 'missing';
}

export function gatherNodeFacts(opts: { runDir?: string; env?: NodeJS.ProcessEnv } = {}): NodeFacts {
  const env = opts.env ?? process.env;
  const local = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) local.add(a.address);
  // /proc/self/net/dev follows this process's network namespace whatever is mounted on /sys
  // (nsenter --net keeps the host's /sys); /sys/class/net and the addressed interfaces fill in
  // if /proc is not there.
  const interfaces = new Set(Object.keys(networkInterfaces()));
  const dev = readText('/proc/self/net/dev');
  if (dev !== undefined) for (const m of dev.matchAll(/^\s*([^\s:]+):/gm)) interfaces.add(m[1]!);
  else {
    try {
      for (const n of readdirSync('/sys/class/net')) interfaces.add(n);
    } catch {
      // only the addressed interfaces are known
    }
  }
  return {
    capEff: parseCapEff(readText('/proc/self/status') ?? ''),
    uid: process.getuid?.() ?? -1,
    unprivilegedPortStart: sysctl('/proc/sys/net/ipv4/ip_unprivileged_port_start', 1024),
    interfaces,
    localAddresses: local,
    nonlocalBind: { v4: sysctl('/proc/sys/net/ipv4/ip_nonlocal_bind', 0) === 1, v6: sysctl('/proc/sys/net/ipv6/ip_nonlocal_bind', 0) === 1 },
    runDir: runDirFacts(opts.runDir ?? DEFAULT_RUN_DIR),
    program: (name) => programStatus(name, env),
    listeners: [...parseProcNetTcp(readText('/proc/self/net/tcp') ?? '', 4), ...parseProcNetTcp(readText('/proc/self/net/tcp6') ?? '', 6)],
  };
}
