// Lab naming, pure. Every namespace of a lab instance is named `<prefix>-<pid>-<tag>-<host>`: the
// creating process's pid lets `cleanupStale` tell leftovers of a crashed lab (pid gone) from a lab
// another process is running right now, and the random tag keeps two labs of one process apart.
// Interfaces live inside the lab's own namespaces (never in the root namespace), so their names
// only need to be unique per namespace, but Linux still caps them at 15 characters (IFNAMSIZ-1).

export const DEFAULT_PREFIX = 'hlab';
export const IFNAME_MAX = 15;

const HOST_RE = /^[a-z][a-z0-9]{0,9}$/;
const PREFIX_RE = /^[a-z][a-z0-9]{1,7}$/;

export interface LabNames {
  readonly id: string;
  readonly prefix: string;
  readonly pid: number;
  readonly tag: string;
}

export function labNames(prefix: string, pid: number, random: () => number): LabNames {
  if (!PREFIX_RE.test(prefix)) throw new Error(`lab prefix "${prefix}" must match ${PREFIX_RE}`);
  let tag = '';
  for (let i = 0; i < 4; i++) tag += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(random() * 36)];
  return { id: `${prefix}-${pid}-${tag}`, prefix, pid, tag };
}

export function checkHostName(name: string): void {
  if (!HOST_RE.test(name)) throw new Error(`lab host name "${name}" must match ${HOST_RE} (short: it is part of interface names)`);
}

export function nsName(lab: LabNames, host: string): string {
  return `${lab.id}-${host}`;
}

/** Namespace that holds the bridge (the lab's "switch"). */
export function switchNs(lab: LabNames): string {
  return `${lab.id}-sw`;
}

/** Switch-side end of a host's veth pair, inside the switch namespace. */
export function portName(host: string): string {
  return checkIfName(`p-${host}`);
}

export function checkIfName(name: string): string {
  if (name.length === 0 || name.length > IFNAME_MAX) throw new Error(`interface name "${name}" is longer than ${IFNAME_MAX} characters`);
  return name;
}

export interface ParsedLabNs {
  readonly labId: string;
  readonly pid: number;
  readonly member: string;
}

/** Parses a namespace name made by `nsName`/`switchNs` for `prefix`; undefined if it is not ours. */
export function parseLabNs(name: string, prefix: string): ParsedLabNs | undefined {
  const m = /^([a-z][a-z0-9]*)-(\d+)-([a-z0-9]{4})-([a-z][a-z0-9]*)$/.exec(name);
  if (!m || m[1] !== prefix) return undefined;
  return { labId: `${m[1]}-${m[2]}-${m[3]}`, pid: Number(m[2]), member: m[4]! };
}
