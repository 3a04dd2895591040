// HAProxy-style two-character termination state for access logs (HAProxy configuration
// manual §8.5 "Session state at disconnection"): first char = what ended the session,
// second = the phase it was in. "--" is a normal end.
//   C client abort   S server abort/refusal   P proxy decision (bad message)   R resource
//   c client timeout s server timeout  - normal
//   R waiting for request  Q waiting in the queue for a server slot  C connecting  H waiting for response headers  D data  L last data
//   - normal end

export type TermCause = '-' | 'C' | 'S' | 'P' | 'R' | 'c' | 's';
export type TermPhase = '-' | 'R' | 'Q' | 'C' | 'H' | 'D' | 'L';

const CAUSES: readonly TermCause[] = ['-', 'C', 'S', 'P', 'R', 'c', 's'];
const PHASES: readonly TermPhase[] = ['-', 'R', 'Q', 'C', 'H', 'D', 'L'];
// The 49 codes made once, indexed by the two character codes: a code built per log line is a
// new string to hash and copy.
const CODES: string[] = [];
for (const c of CAUSES) for (const p of PHASES) CODES[c.charCodeAt(0) * 128 + p.charCodeAt(0)] = c + p;

export function termCode(cause: TermCause, phase: TermPhase): string {
  return CODES[cause.charCodeAt(0) * 128 + phase.charCodeAt(0)] ?? cause + phase;
}
