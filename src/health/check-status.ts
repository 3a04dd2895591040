// Check outcomes as values (conventions §8), worded exactly as HAProxy's
// check_statuses table so operators grep for the strings they already know
// ("Layer7 wrong status", "Layer4 timeout", ...). Pure module.

const CHECK_STATUS = {
  L4OK: 'Layer4 check passed',
  L4TOUT: 'Layer4 timeout',
  L4CON: 'Layer4 connection problem',
  L6OK: 'Layer6 check passed',
  L6TOUT: 'Layer6 timeout',
  L6RSP: 'Layer6 invalid response',
  L7OK: 'Layer7 check passed',
  L7TOUT: 'Layer7 timeout',
  L7RSP: 'Layer7 invalid response',
  L7STS: 'Layer7 wrong status',
  SOCKERR: 'Socket error',
  ABORTED: 'Check aborted',
} as const;

export type CheckStatusCode = keyof typeof CHECK_STATUS;

/** Result of one active check: a value, never an exception. */
export interface CheckResult {
  readonly ok: boolean;
  /** HAProxy short status (stats page `check_status` column). */
  readonly status: CheckStatusCode;
  /** HAProxy wording, e.g. 'Layer7 wrong status'. */
  readonly reason: string;
  /** HTTP status code for http checks. */
  readonly code?: number;
  readonly durationMs: number;
  /** Extra info, HAProxy's `info:` field: 'Connection refused', 'TCPCHK did not match content ...'. */
  readonly detail?: string;
}

export function checkResult(status: CheckStatusCode, durationMs: number, extra: { code?: number; detail?: string } = {}): CheckResult {
  const ok = status === 'L4OK' || status === 'L6OK' || status === 'L7OK';
  const r: { -readonly [K in keyof CheckResult]: CheckResult[K] } = {
    ok,
    status,
    reason: CHECK_STATUS[status],
    durationMs: Math.max(0, Math.round(durationMs)),
  };
  if (extra.code !== undefined) r.code = extra.code;
  if (extra.detail !== undefined) r.detail = extra.detail;
  return r;
}
