// Shared by the lab scenario tests: skip detection and the capture check.
import assert from 'node:assert/strict';
import { requireRoot, timescale } from '../../src/lab/root.js';
import { softwareAvailability } from '../../src/lab/software.js';
import type { SoftwareKind } from '../../src/lab/node-software.js';
import { checkVrrpPcap, type VrrpPcapReport } from '../../src/lab/capture.js';

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
