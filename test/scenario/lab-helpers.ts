// Shared by the lab scenario tests: skip detection and the capture check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after } from 'node:test';
import { requireRoot, timescale } from '../../src/lab/root.js';
import { softwareAvailability } from '../../src/lab/software.js';
import type { SoftwareKind } from '../../src/lab/node-software.js';
import { checkVrrpPcap, type VrrpPcapReport } from '../../src/lab/capture.js';
import type { VrrpLab } from '../../src/lab/vrrp-lab.js';
import type { HalbNode } from '../../src/lab/halb-node.js';
import type { Prober, ProberOptions } from '../../src/lab/prober.js';

/** Skip reason for a scenario needing root, ip netns and the given node software; undefined = run. */
export async function scenarioSkip(...kinds: SoftwareKind[]): Promise<string | undefined> {
  const root = await requireRoot();
  if (root) return root;
  for (const k of new Set(kinds)) {
    const a = await softwareAvailability(k);
    if (!a.available) return `${k} unavailable: ${a.detail}; skipping`;
  }
  return undefined;
}

/** `ms` scaled by HALB_TEST_TIMESCALE. */
export function ts(ms: number): number {
  return ms * timescale();
}

/**
 * Every captured IP-protocol-112 packet must decode as valid VRRP in tshark. Returns the report
 * (undefined when tshark is missing: the check is skipped with a diagnostic, not passed silently).
 */
export async function assertCaptureValid(t: { diagnostic(m: string): void }, file: string, minPackets: number): Promise<VrrpPcapReport | undefined> {
  const rep = await checkVrrpPcap(file);
  if (rep.skipped) {
    t.diagnostic(rep.skipped);
    return undefined;
  }
  assert.ok(rep.packets.length >= minPackets, `expected at least ${minPackets} VRRP packets in ${file}, got ${rep.packets.length}`);
  assert.deepEqual(rep.invalid, [], `invalid VRRP packets in ${file}`);
  t.diagnostic(`capture: ${rep.packets.length} VRRP packets, all valid in tshark (${JSON.stringify(rep.byVersion)})`);
  return rep;
}

/**
 * What a lab created by process `pid` left behind: its namespaces, and any process whose command
 * line mentions its id (keepalived's config lives in the lab's work dir, so it counts too).
 */
export async function leftovers(pid: number): Promise<{ namespaces: string[]; processes: string[] }> {
  const { run } = await import('../../src/lab/run.js');
  const { readdirSync, readFileSync } = await import('node:fs');
  const tag = `hlab-${pid}-`;
  const ns = (await run('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(tag));
  const processes: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const state = /State:\s+(\S)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1];
      if (cmd.includes(tag) && state !== 'Z') processes.push(`${d}: ${cmd}`);
    } catch {
      /* exited meanwhile */
    }
  }
  return { namespaces: ns, processes };
}

/** Registers a file-level hook: once every test of the file ran, nothing of ours may be left. */
export function checkNoLeftoversAfterAll(): void {
  after(async () => {
    if (await requireRoot()) return;
    assert.deepEqual(await leftovers(process.pid), { namespaces: [], processes: [] }, 'lab leftovers after the tests');
  });
}

/**
 * Starts the lab's VRRP nodes and waits until n1 holds the VIP as the client sees it: configured
 * on n1, answering the prober steadily, and the client's ARP/NDP entry pointing at n1.
 */
export async function startWithN1Master(v: VrrpLab, prober: Omit<ProberOptions, 'port'> = {}): Promise<{ masterDown: number; prober: Prober }> {
  await v.start();
  const masterDown = v.masterDownMs('n2');
  await v.waitHolder('n1', ts(masterDown + 5000));
  const p = v.startProber(prober);
  await p.waitSteady('n1', 20, ts(5000));
  await v.waitArp('n1', ts(2000));
  return { masterDown, prober: p };
}

/**
 * Host death of n1 (link down + SIGKILL), marked 'death' in the prober; waits until the client is
 * answered by n2. The caller analyzes: attempts still in flight (timing out) are only complete
 * after `prober.stop()`.
 */
export async function killN1AwaitN2(v: VrrpLab, prober: Prober, waitMs: number): Promise<void> {
  await prober.mark('death');
  await v.hostDeath('n1');
  await prober.waitSteady('n2', 20, waitMs);
  await v.waitArp('n2', ts(2000));
}

/** A halb node's JSON log lines so far, parsed (`T`: the fields the test reads). */
export function nodeLogEvents<T extends object>(node: HalbNode): T[] {
  const out: T[] = [];
  for (const line of readFileSync(node.logPath, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      /* a line cut by a concurrent write */
    }
  }
  return out;
}

/** The halb daemon's own pid (the node's process group also holds its `ip` helpers). */
export function halbDaemonPid(node: HalbNode): number {
  for (const pid of node.pids()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('halb.js')) return pid;
    } catch {
      /* exited */
    }
  }
  throw new Error(`no halb process on ${node.host}`);
}
