// Pure matching for `tcp-check expect [!] string|rstring|binary <pattern>`.
// HAProxy tcpcheck_eval_expect(): on a mismatch it waits for more data until the
// server closes (or the check times out); only then is the absence conclusive —
// for negated rules too, so `expect ! string ERR` passes once the server closed
// without ever sending ERR, and times out if it keeps the connection open.

import type { TcpCheckStep } from '../config/model.js';

export type ExpectStep = Extract<TcpCheckStep, { kind: 'expect' }>;

export type ExpectVerdict = 'pass' | 'fail' | 'need-more';

export function hexToBytes(hex: string): Uint8Array | undefined {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** `received` is everything read since the last expect rule; `ended` = server closed. */
export function evalExpect(step: ExpectStep, received: Uint8Array, ended: boolean): ExpectVerdict {
  let match: boolean;
  switch (step.match) {
    case 'string':
      match = latin1(received).includes(step.pattern);
      break;
    case 'rstring': {
      let re: RegExp | undefined;
      try {
        re = new RegExp(step.pattern);
      } catch {
        re = undefined;
      }
      match = re !== undefined && re.test(latin1(received));
      break;
    }
    case 'binary': {
      const needle = hexToBytes(step.pattern);
      match = needle !== undefined && indexOfBytes(received, needle) >= 0;
      break;
    }
    default: {
      const never: never = step.match;
      throw new Error(`unknown expect match ${String(never)}`);
    }
  }
  if (match) return step.negate ? 'fail' : 'pass';
  if (!ended) return 'need-more';
  return step.negate ? 'pass' : 'fail';
}

/** Short description used in failure details, as HAProxy words it. */
export function describeExpect(step: ExpectStep): string {
  return `expect ${step.negate ? '! ' : ''}${step.match} '${step.pattern}'`;
}
