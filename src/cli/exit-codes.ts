// Exit codes of every `halb` command, in one table (documented in docs/cli.md).
export const EXIT = {
  /** Done; for `check`, the configuration is valid (warnings allowed). */
  ok: 0,
  /** The configuration was refused: invalid, or it cannot run on this node as it stands
   * (missing interface, script or privilege). Every problem is printed as file:line. */
  invalidConfig: 1,
  /** The command line is wrong: unknown command or option, bad option value, missing file flag. */
  usage: 2,
  /** A valid configuration failed while starting or running (address in use, socket error...). */
  runtime: 3,
} as const;

/** A command-line mistake found after commander's own parsing; exits with EXIT.usage. */
export class UsageError extends Error {
  readonly code = 'HALB_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
