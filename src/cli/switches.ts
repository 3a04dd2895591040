// The environment switches of `halb`, read once here and passed down as options: nothing below
// the CLI reads the environment for them, so a test can set them per daemon.
//
// Still read where they act (the data plane reads them at first use, module-wide):
// HALB_NATIVE_RELAY=0 (src/proxy/native-relay.ts) and HALB_DIRECT_WRITE=0
// (src/proxy/direct-write.ts); HALB_LOG_LEVEL is createLogger's default level (src/log/logger.ts).
// Lab and test knobs (HALB_TEST_TIMESCALE, HALB_PROF_DIR, HALB_UPDATE_TRANSCRIPTS) belong to
// src/lab and test/.

export interface Switches {
  /** HALB_WARMUP=0: skip the data-plane warm-up after `halb run` starts (same as --no-warmup). */
  readonly warmup: boolean;
  /**
   * HALB_HANDOVER_FORWARD=0: a new master installs no forwarding rule for connections opened to
   * the old one, so a takeover resets them, as with keepalived (docs/vrrp.md).
   */
  readonly handoverForward: boolean;
  /** HALB_ALLOW_INSPECTOR=1: keep a Node inspector asked for on the command line even as root. */
  readonly allowInspector: boolean;
  /** Where SIGUSR1/SIGUSR2 write keepalived.data/.stats: $TMPDIR or /tmp, keepalived's own choice. */
  readonly dumpDir: string;
}

export function readSwitches(env: Readonly<Record<string, string | undefined>>): Switches {
  return {
    warmup: env.HALB_WARMUP !== '0',
    handoverForward: env.HALB_HANDOVER_FORWARD !== '0',
    allowInspector: env.HALB_ALLOW_INSPECTOR === '1',
    dumpDir: env.TMPDIR || '/tmp',
  };
}
