// Active check adapters: tcp connect, tcp-check step lists, http(s) and
// ssl-hello-chk. Each runs within the HAProxy timeout budget computed by the pure
// `checkTiming`, is cancelled by an AbortSignal, and returns a CheckResult value.

import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import type { HealthCheckSpec, TcpCheckStep } from '../config/model.js';
import { checkResult, type CheckResult } from './check-status.js';
import { connectTcp, upgradeTls, Reader, type IoFailure } from './check-io.js';
import type { CheckTiming } from './rise-fall.js';
import { buildHttpCheckRequest, parseStatusLine, statusMatches } from './http-check-proto.js';
import { evalExpect, describeExpect, hexToBytes } from './tcp-check-match.js';
import { buildClientHello, evalHelloReply } from './ssl-hello.js';

export interface CheckTarget {
  /** Literal address to connect to (already resolved). */
  readonly host: string;
  /** Check port: `port` override or the server's port. */
  readonly port: number;
  /** `check-ssl`: run the check over TLS. */
  readonly ssl: boolean;
  /** `verify none` → false. */
  readonly rejectUnauthorized: boolean;
  /** Server hostname for SNI (ignored when it is an IP literal). */
  readonly servername?: string;
}

export interface RunCheckOptions {
  readonly timing: CheckTiming;
  readonly signal?: AbortSignal;
  /** Monotonic ms; defaults to performance.now. */
  readonly now?: () => number;
}

/** Seam used by the monitor; tests may pass a fake. */
export type Checker = (spec: HealthCheckSpec, target: CheckTarget, opts: RunCheckOptions) => Promise<CheckResult>;

class Budget {
  readonly start: number;
  private exchangeDeadline: number;
  constructor(
    readonly timing: CheckTiming,
    readonly now: () => number,
    readonly signal: AbortSignal | undefined,
  ) {
    this.start = now();
    this.exchangeDeadline = timing.totalMs !== undefined ? this.start + timing.totalMs : Infinity;
  }
  connectDeadline(): number {
    const total = this.timing.totalMs !== undefined ? this.start + this.timing.totalMs : Infinity;
    return Math.min(this.now() + this.timing.connectMs, total, this.exchangeDeadline);
  }
  connected(): void {
    if (this.timing.afterConnectMs !== undefined && this.exchangeDeadline === Infinity) {
      this.exchangeDeadline = this.now() + this.timing.afterConnectMs;
    }
  }
  deadline(): number {
    return this.exchangeDeadline;
  }
  elapsed(): number {
    return this.now() - this.start;
  }
}

type Opened = { readonly sock: net.Socket; readonly reader: Reader };

function l7Failure(b: Budget, f: IoFailure, reader: Reader | undefined, what: string): CheckResult {
  switch (f.kind) {
    case 'timeout':
      return checkResult('L7TOUT', b.elapsed(), { detail: what });
    case 'aborted':
      return checkResult('ABORTED', b.elapsed());
    case 'error':
      return checkResult('L7RSP', b.elapsed(), { detail: f.message });
    case 'closed': {
      const err = reader?.socketError;
      return checkResult('L7RSP', b.elapsed(), { detail: err ? err.message : `connection closed by server ${what}` });
    }
    default: {
      const never: never = f;
      return never;
    }
  }
}

async function open(target: CheckTarget, port: number, ssl: boolean, b: Budget, step = ''): Promise<Opened | CheckResult> {
  const c = await connectTcp(target.host, port, b.now, b.connectDeadline(), b.signal);
  if (!c.ok) {
    if (c.kind === 'aborted') return checkResult('ABORTED', b.elapsed());
    if (c.kind === 'timeout') return checkResult('L4TOUT', b.elapsed(), step ? { detail: step } : {});
    const msg = c.kind === 'error' ? c.message : 'connection closed';
    return checkResult('L4CON', b.elapsed(), { detail: step ? `${msg} ${step}` : msg });
  }
  b.connected();
  if (!ssl) return { sock: c.value, reader: new Reader(c.value) };
  const t = await upgradeTls(c.value, { rejectUnauthorized: target.rejectUnauthorized, ...(target.servername !== undefined ? { servername: target.servername } : {}) }, b.now, b.deadline(), b.signal);
  if (!t.ok) {
    if (t.kind === 'aborted') return checkResult('ABORTED', b.elapsed());
    if (t.kind === 'timeout') return checkResult('L6TOUT', b.elapsed(), { detail: 'TLS handshake' });
    const msg = t.kind === 'error' ? t.message : 'connection closed during TLS handshake';
    return checkResult('L6RSP', b.elapsed(), { detail: msg });
  }
  return { sock: t.value, reader: new Reader(t.value) };
}

function isResult(x: Opened | CheckResult): x is CheckResult {
  return 'status' in x;
}

async function tcpCheck(target: CheckTarget, b: Budget): Promise<CheckResult> {
  const o = await open(target, target.port, target.ssl, b);
  if (isResult(o)) return o;
  o.sock.destroy();
  return checkResult(target.ssl ? 'L6OK' : 'L4OK', b.elapsed());
}

async function httpCheck(spec: Extract<HealthCheckSpec, { type: 'http' }>, target: CheckTarget, b: Budget): Promise<CheckResult> {
  const o = await open(target, target.port, target.ssl, b);
  if (isResult(o)) return o;
  try {
    const hostHeader = target.servername ?? (target.host.includes(':') ? `[${target.host}]` : target.host);
    const req = buildHttpCheckRequest(spec, target.port === (target.ssl ? 443 : 80) ? hostHeader : `${hostHeader}:${target.port}`);
    o.reader.write(req);
    const r = await o.reader.until(
      (bytes, ended) => {
        // Nothing at all before close/reset: report the socket's own error instead.
        if (ended && bytes.length === 0) return undefined;
        const line = parseStatusLine(bytes.toString('latin1'), ended);
        return line.kind === 'need-more' ? undefined : line;
      },
      b.now,
      b.deadline(),
      b.signal,
    );
    if (!r.ok) return l7Failure(b, r, o.reader, 'before HTTP status line');
    const line = r.value;
    if (line.kind === 'invalid') return checkResult('L7RSP', b.elapsed(), { detail: `invalid HTTP status line '${line.line}'` });
    if (line.kind !== 'status') return checkResult('L7RSP', b.elapsed());
    const passed = statusMatches(line.code, spec.expect);
    // HAProxy's info for http checks is the status line's reason phrase.
    return checkResult(passed ? 'L7OK' : 'L7STS', b.elapsed(), { code: line.code, ...(line.text ? { detail: line.text } : {}) });
  } finally {
    o.sock.destroy();
  }
}

async function sslHelloCheck(target: CheckTarget, b: Budget): Promise<CheckResult> {
  // The hello is forged in clear over a plain TCP connection (never double TLS).
  const o = await open(target, target.port, false, b);
  if (isResult(o)) return o;
  try {
    o.reader.write(buildClientHello(randomBytes(32)));
    const r = await o.reader.until(
      (bytes, ended) => {
        const v = evalHelloReply(bytes, ended);
        return v.kind === 'need-more' ? undefined : v;
      },
      b.now,
      b.deadline(),
      b.signal,
    );
    if (!r.ok) {
      if (r.kind === 'aborted') return checkResult('ABORTED', b.elapsed());
      if (r.kind === 'timeout') return checkResult('L6TOUT', b.elapsed(), { detail: 'waiting for ServerHello' });
      const v = evalHelloReply(o.reader.bytes, true);
      const detail = v.kind === 'fail' ? v.detail : r.kind === 'error' ? r.message : 'connection closed';
      return checkResult('L6RSP', b.elapsed(), { detail });
    }
    const v = r.value;
    return v.kind === 'pass' ? checkResult('L6OK', b.elapsed(), { detail: v.detail }) : checkResult('L6RSP', b.elapsed(), { detail: v.kind === 'fail' ? v.detail : '' });
  } finally {
    o.sock.destroy();
  }
}

async function tcpCheckSteps(steps: readonly TcpCheckStep[], target: CheckTarget, b: Budget): Promise<CheckResult> {
  // HAProxy: a ruleset that does not start with `connect` gets an implicit one to the
  // check port, reported as "the initial connection step"; configured rules count from 1.
  const implicit = steps[0]?.kind !== 'connect';
  const rules: TcpCheckStep[] = implicit ? [{ kind: 'connect', ssl: target.ssl }, ...steps] : [...steps];
  let conn: Opened | undefined;
  let sawExchange = false;
  let lastSsl = false;
  try {
    for (let i = 0; i < rules.length; i++) {
      const step = rules[i]!;
      const n = implicit ? i : i + 1;
      const at = n === 0 ? 'at initial connection step of tcp-check' : `at step ${n} of tcp-check`;
      switch (step.kind) {
        case 'connect': {
          conn?.sock.destroy();
          const port = step.port ?? target.port;
          const o = await open(target, port, step.ssl, b, n === 0 ? at : `${at} (connect${step.port ? ` port ${step.port}` : ''})`);
          if (isResult(o)) return o;
          conn = o;
          lastSsl = step.ssl;
          break;
        }
        case 'send':
        case 'send-binary': {
          if (!conn) return checkResult('SOCKERR', b.elapsed(), { detail: `${at}: send without connection` });
          const data = step.kind === 'send' ? Buffer.from(step.data, 'latin1') : hexToBytes(step.hex);
          if (!data) return checkResult('SOCKERR', b.elapsed(), { detail: `${at}: invalid hex` });
          conn.reader.write(data);
          sawExchange = true;
          break;
        }
        case 'expect': {
          if (!conn) return checkResult('SOCKERR', b.elapsed(), { detail: `${at}: expect without connection` });
          sawExchange = true;
          const c = conn;
          const r = await c.reader.until(
            (bytes, ended) => {
              const v = evalExpect(step, bytes, ended);
              return v === 'need-more' ? undefined : v;
            },
            b.now,
            b.deadline(),
            b.signal,
          );
          let verdict: 'pass' | 'fail';
          if (r.ok) verdict = r.value;
          else if (r.kind === 'closed') verdict = evalExpect(step, c.reader.bytes, true) === 'pass' ? 'pass' : 'fail';
          else return l7Failure(b, r, c.reader, `${at} (${describeExpect(step)})`);
          if (verdict === 'fail') {
            return checkResult('L7RSP', b.elapsed(), { detail: `TCPCHK did not match content '${step.pattern}' at step ${n}` });
          }
          c.reader.reset();
          break;
        }
        default: {
          const never: never = step;
          return never;
        }
      }
    }
    if (sawExchange) return checkResult('L7OK', b.elapsed(), { detail: '(tcp-check)' });
    return checkResult(lastSsl ? 'L6OK' : 'L4OK', b.elapsed());
  } finally {
    conn?.sock.destroy();
  }
}

export const runCheck: Checker = async (spec, target, opts) => {
  const b = new Budget(opts.timing, opts.now ?? (() => performance.now()), opts.signal);
  switch (spec.type) {
    case 'tcp':
      return tcpCheck(target, b);
    case 'http':
      return httpCheck(spec, target, b);
    case 'ssl-hello':
      return sslHelloCheck(target, b);
    case 'tcp-check':
      return tcpCheckSteps(spec.steps, target, b);
    default: {
      const never: never = spec;
      return never;
    }
  }
};
