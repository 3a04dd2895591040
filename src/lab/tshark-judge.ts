// Verdict on tshark's dissection of captured VRRP packets, pure (capture.ts runs tshark).

export interface VrrpPacketInfo {
  readonly frame: number;
  readonly version?: number;
  readonly type?: number;
  readonly vrid?: number;
  readonly priority?: number;
  /** tshark checksum status: 0 bad, 1 good, 2 unverified. */
  readonly checksumStatus?: number;
  readonly problems: readonly string[];
}

export interface VrrpPcapReport {
  readonly skipped?: string;
  readonly packets: readonly VrrpPacketInfo[];
  readonly invalid: readonly VrrpPacketInfo[];
  readonly byVersion: Readonly<Record<string, number>>;
}

/** Fields asked from tshark, in this order. */
export const TSHARK_FIELDS = [
  'frame.number',
  'ip.proto',
  'ipv6.nxt',
  'vrrp.version',
  'vrrp.type',
  'vrrp.virt_rtr_id',
  'vrrp.prio',
  'vrrp.checksum.status',
  '_ws.malformed',
  '_ws.expert.severity',
] as const;

/**
 * Judges tshark's field output, pure. A packet is valid VRRP when tshark dissected it as VRRP,
 * version 2 or 3, type 1 (advertisement, the only type RFC 3768/5798 define), its checksum was
 * verified good, and tshark flagged nothing malformed.
 */
export function judgeTsharkFields(text: string): Omit<VrrpPcapReport, 'skipped'> {
  const packets: VrrpPacketInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f = line.split('\t');
    const num = (i: number): number | undefined => {
      const v = (f[i] ?? '').split(',')[0]!.trim();
      return v === '' ? undefined : Number(v);
    };
    const problems: string[] = [];
    const version = num(3);
    const type = num(4);
    const checksumStatus = num(7);
    if (version === undefined) problems.push('not dissected as VRRP');
    else if (version !== 2 && version !== 3) problems.push(`version ${version}`);
    if (version !== undefined && type !== 1) problems.push(`type ${type}`);
    if (version !== undefined && checksumStatus !== 1) problems.push(checksumStatus === 0 ? 'bad checksum' : 'checksum not verified');
    if ((f[8] ?? '').trim() !== '') problems.push('malformed');
    // _ws.expert.severity: 8388608 = error (e.g. "Bad checksum"), 6291456 = warning.
    if ((f[9] ?? '').split(',').some((s) => Number(s) >= 8388608)) problems.push('expert error');
    const vrid = num(5);
    const priority = num(6);
    packets.push({
      frame: num(0) ?? -1,
      ...(version !== undefined ? { version } : {}),
      ...(type !== undefined ? { type } : {}),
      ...(vrid !== undefined ? { vrid } : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(checksumStatus !== undefined ? { checksumStatus } : {}),
      problems,
    });
  }
  const byVersion: Record<string, number> = {};
  for (const p of packets) byVersion[`v${p.version ?? '?'}`] = (byVersion[`v${p.version ?? '?'}`] ?? 0) + 1;
  return { packets, invalid: packets.filter((p) => p.problems.length > 0), byVersion };
}
