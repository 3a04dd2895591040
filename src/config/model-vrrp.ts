// VRRP half of the config model (keepalived.conf and the `vrrp:` section of halb.yaml).
// Durations in ms. Pure module.

import type { SourcePos } from './model.js';

/** A user (and optional group) a script runs as. */
export interface ScriptUser {
  readonly user: string;
  readonly group?: string;
}

export interface VrrpGlobals {
  readonly routerId?: string;
  readonly enableScriptSecurity: boolean;
  readonly scriptUser?: ScriptUser;
  /** Gratuitous ARP / unsolicited NA on becoming master (keepalived: 5 at once, 5 more after 5 s). */
  readonly garp: GarpSettings;
}

export interface GarpSettings {
  readonly masterDelay: number;
  readonly masterRepeat: number;
  readonly masterRefresh?: number;
  readonly masterRefreshRepeat: number;
  readonly lowerPriorityDelay?: number;
  readonly lowerPriorityRepeat?: number;
  readonly interval: number;
  /** Delay between unsolicited neighbour advertisements (keepalived vrrp_gna_interval), ms. */
  readonly naInterval?: number;
}

export interface VrrpScript {
  readonly name: string;
  /** Command line, split like keepalived does (no shell unless the user calls one). */
  readonly script: string;
  readonly interval: number;
  readonly timeout?: number;
  readonly fall: number;
  readonly rise: number;
  /** Positive or negative priority delta; 0 means "FAULT while failing". */
  readonly weight: number;
  /** keepalived `weight N reverse`. */
  readonly weightReverse: boolean;
  readonly user?: ScriptUser;
  /** keepalived `init_fail`: the script starts in the failed state instead of "one success is enough". */
  readonly initFail?: boolean;
  readonly pos?: SourcePos;
}

export interface VirtualAddress {
  /** Address with prefix as CIDR, e.g. "10.0.0.10/24"; default prefix /32 or /128. */
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
  readonly dev?: string;
  readonly label?: string;
  /** `brd ADDR` (or '+' / '-') as written, passed to `ip addr add`. */
  readonly broadcast?: string;
  /** `scope site|link|host|nowhere|global`. */
  readonly scope?: string;
  readonly pos?: SourcePos;
}

export interface TrackRef {
  readonly name: string;
  /** Override of the script/interface/file's own weight; undefined = use its weight. */
  readonly weight?: number;
  readonly reverse?: boolean;
}

export interface NotifyScripts {
  readonly master?: string;
  readonly backup?: string;
  readonly fault?: string;
  readonly stop?: string;
  /** Generic notify: called with TYPE NAME STATE PRIORITY. */
  readonly any?: string;
  /** `notify_* SCRIPT [user [group]]`: who runs each script (default: global script user). */
  readonly users?: { readonly [K in NotifyKind]?: ScriptUser };
}

export type NotifyKind = 'master' | 'backup' | 'fault' | 'stop' | 'any';

export interface VrrpInstance {
  readonly name: string;
  /** Configured initial state; keepalived treats MASTER as a hint, priority decides. */
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly interface: string;
  readonly vrid: number;
  /** 1-255; 255 = address owner. */
  readonly priority: number;
  /** Advertisement interval in ms (v2: whole seconds; v3: centisecond resolution). */
  readonly advertInt: number;
  readonly version: 2 | 3;
  readonly family: 4 | 6;
  readonly nopreempt: boolean;
  readonly preemptDelay: number;
  readonly unicastSrcIp?: string;
  readonly unicastPeers: readonly string[];
  readonly auth?: { readonly type: 'PASS'; readonly password: string };
  readonly virtualAddresses: readonly VirtualAddress[];
  /** Addresses in the "excluded" block: managed with the VIPs but not sent in adverts. */
  readonly virtualAddressesExcluded: readonly VirtualAddress[];
  readonly trackScripts: readonly TrackRef[];
  readonly trackInterfaces: readonly TrackRef[];
  readonly trackFiles: readonly TrackRef[];
  readonly notify: NotifyScripts;
  /** v3 over IPv4: checksum over the pseudo-header (keepalived default) or v2-style. */
  readonly checksumPseudoHeader: boolean;
  readonly garp: GarpSettings;
  /** keepalived `dont_track_primary`: the instance's own interface going down does not mean FAULT. */
  readonly dontTrackPrimary?: boolean;
  /**
   * halb: a backup takes over at once on a priority-0 advert when it provably is the best
   * remaining candidate (unicast peer set known; see src/vrrp/machine.ts). Default true.
   */
  readonly fastTakeover?: boolean;
  /**
   * halb make-before-break: longest time (ms) a stopping master keeps its VIPs while waiting to
   * hear the new master. Default: its own Master_Down_Interval.
   */
  readonly stopHoldMax?: number;
  readonly pos?: SourcePos;
}

export interface VrrpTrackFile {
  readonly name: string;
  readonly path: string;
  readonly weight: number;
  readonly weightReverse?: boolean;
  /** keepalived `init_file [VALUE] [overwrite]`: write VALUE at start if missing (or always). */
  readonly init?: { readonly value: number; readonly overwrite: boolean };
  readonly pos?: SourcePos;
}

export interface VrrpSyncGroup {
  readonly name: string;
  readonly members: readonly string[];
  readonly notify: NotifyScripts;
  readonly pos?: SourcePos;
}

export interface VrrpConfig {
  readonly globals: VrrpGlobals;
  readonly scripts: readonly VrrpScript[];
  readonly trackFiles: readonly VrrpTrackFile[];
  readonly instances: readonly VrrpInstance[];
  readonly syncGroups: readonly VrrpSyncGroup[];
}

export const DEFAULT_GARP: GarpSettings = {
  masterDelay: 5000,
  masterRepeat: 5,
  masterRefreshRepeat: 1,
  interval: 0,
};

export function emptyVrrpConfig(): VrrpConfig {
  return {
    globals: { enableScriptSecurity: false, garp: DEFAULT_GARP },
    scripts: [],
    trackFiles: [],
    instances: [],
    syncGroups: [],
  };
}
