// Thin adapter over iproute2's `ip` (JSON output), run with execFile: no shell, arguments as
// given. Kept apart from the VIP logic so tests can substitute a fake runner.
import { execFile } from 'node:child_process';

export interface IpResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ip ARGS`; rejects with IpCommandError on a non-zero exit. */
export type IpRunner = (args: readonly string[], signal?: AbortSignal) => Promise<IpResult>;

export class IpCommandError extends Error {
  readonly code = 'HALB_IP_COMMAND';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    cause?: unknown,
  ) {
    super(`ip ${args.join(' ')} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr.trim() || String(cause)}`, { cause });
  }
}

export function execIp(binary = 'ip'): IpRunner {
  return (args, signal) =>
    new Promise((resolve, reject) => {
      execFile(binary, [...args], { signal, timeout: 10_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        if (err) {
          const code = typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
          reject(new IpCommandError(args, code, String(stderr), err));
        } else resolve({ stdout: String(stdout), stderr: String(stderr) });
      });
    });
}

/** One address as `ip -j addr show` reports it. */
export interface IfAddr {
  readonly ifname: string;
  readonly ifindex: number;
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefix: number;
  readonly label?: string;
  readonly secondary: boolean;
  readonly scope: string;
}

interface JsonLink {
  ifindex: number;
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number; label?: string; secondary?: boolean; scope?: string }[];
}

export async function listAddresses(ip: IpRunner, ifname?: string, signal?: AbortSignal): Promise<IfAddr[]> {
  const { stdout } = await ip(ifname ? ['-j', 'addr', 'show', 'dev', ifname] : ['-j', 'addr', 'show'], signal);
  const links = JSON.parse(stdout || '[]') as JsonLink[];
  const out: IfAddr[] = [];
  for (const l of links) {
    for (const a of l.addr_info ?? []) {
      if (a.family !== 'inet' && a.family !== 'inet6') continue;
      out.push({
        ifname: l.ifname,
        ifindex: l.ifindex,
        family: a.family === 'inet' ? 4 : 6,
        address: a.local,
        prefix: a.prefixlen,
        ...(a.label !== undefined ? { label: a.label } : {}),
        secondary: a.secondary === true,
        scope: a.scope ?? 'global',
      });
    }
  }
  return out;
}

/**
 * The interface's primary address, the source of VRRP adverts: for IPv4 the first
 * non-secondary address, for IPv6 the link-local address (RFC 5798 §5.1.2.2 requires it).
 * Read through `ip` rather than os.networkInterfaces(), which omits interfaces that are down.
 */
export async function primaryAddress(ip: IpRunner, ifname: string, family: 4 | 6, signal?: AbortSignal): Promise<string | undefined> {
  const addrs = (await listAddresses(ip, ifname, signal)).filter((a) => a.family === family);
  if (family === 4) return addrs.find((a) => !a.secondary)?.address;
  return addrs.find((a) => a.scope === 'link')?.address;
}
