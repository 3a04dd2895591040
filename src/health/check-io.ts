// Thin socket primitives for active checks: connect with a deadline, optional TLS
// upgrade, buffered reads judged by a pure function, all cancellable by an
// AbortSignal. Every failure comes back as a value; sockets always get an 'error'
// listener so a server that resets can never crash the process.

import net from 'node:net';
import tls from 'node:tls';

export type IoFailure = { readonly kind: 'timeout' } | { readonly kind: 'aborted' } | { readonly kind: 'error'; readonly message: string; readonly code?: string } | { readonly kind: 'closed' };

export type IoResult<T> = { readonly ok: true; readonly value: T } | ({ readonly ok: false } & IoFailure);

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EPIPE: 'Broken pipe',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

function errText(err: unknown): { message: string; code?: string } {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = (code && ERRNO_TEXT[code]) ?? (e instanceof Error ? e.message : String(err));
  return code ? { message, code } : { message };
}

function noop(): void {}

/** Node's timer limit; longer delays would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Wait for `emitter` to settle, bounded by `deadline` (absolute ms on `now`) and `signal`. */
function bounded<T>(now: () => number, deadline: number, signal: AbortSignal | undefined, setup: (done: (r: IoResult<T>) => void) => () => void): Promise<IoResult<T>> {
  return new Promise((resolve) => {
    let settled = false;
    let teardown: () => void = noop;
    const finish = (r: IoResult<T>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      teardown();
      resolve(r);
    };
    const onAbort = (): void => finish({ ok: false, kind: 'aborted' });
    // No finite deadline, no timer (setTimeout would turn Infinity into 1 ms).
    const timer = Number.isFinite(deadline) ? setTimeout(() => finish({ ok: false, kind: 'timeout' }), Math.min(MAX_TIMER_MS, Math.max(0, deadline - now()))) : undefined;
    if (signal?.aborted) {
      finish({ ok: false, kind: 'aborted' });
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const td = setup(finish);
    // setup() may have settled synchronously (data already buffered): clean up now.
    if (settled) td();
    else teardown = td;
  });
}

export function connectTcp(host: string, port: number, now: () => number, deadline: number, signal: AbortSignal | undefined): Promise<IoResult<net.Socket>> {
  let sock: net.Socket | undefined;
  return bounded<net.Socket>(now, deadline, signal, (done) => {
    const s = net.connect({ host, port, noDelay: true });
    sock = s;
    s.on('error', noop); // permanent: late errors after we are done must not throw
    const onConnect = (): void => done({ ok: true, value: s });
    const onError = (err: Error): void => done({ ok: false, kind: 'error', ...errText(err) });
    s.once('connect', onConnect);
    s.once('error', onError);
    return () => {
      s.off('connect', onConnect);
      s.off('error', onError);
    };
  }).then((r) => {
    if (!r.ok) sock?.destroy();
    return r;
  });
}

export interface TlsOptions {
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

export function upgradeTls(raw: net.Socket, opts: TlsOptions, now: () => number, deadline: number, signal: AbortSignal | undefined): Promise<IoResult<tls.TLSSocket>> {
  let sock: tls.TLSSocket | undefined;
  return bounded<tls.TLSSocket>(now, deadline, signal, (done) => {
    const s = tls.connect({
      socket: raw,
      rejectUnauthorized: opts.rejectUnauthorized,
      // SNI only for names: RFC 6066 §3 forbids literal IPs in server_name.
      ...(opts.servername !== undefined && net.isIP(opts.servername) === 0 ? { servername: opts.servername } : {}),
    });
    sock = s;
    s.on('error', noop);
    const onSecure = (): void => done({ ok: true, value: s });
    const onError = (err: Error): void => done({ ok: false, kind: 'error', ...errText(err) });
    const onClose = (): void => done({ ok: false, kind: 'closed' });
    s.once('secureConnect', onSecure);
    s.once('error', onError);
    s.once('close', onClose);
    return () => {
      s.off('secureConnect', onSecure);
      s.off('error', onError);
      s.off('close', onClose);
    };
  }).then((r) => {
    if (!r.ok) {
      sock?.destroy();
      raw.destroy();
    }
    return r;
  });
}

/** Buffers everything a socket sends; `until` waits for a judge's verdict. */
export class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private error: { message: string; code?: string } | undefined;
  private wake: (() => void) | undefined;
  /** Hard cap: a check never needs more than this; a flood is judged as-is. */
  static readonly MAX_BYTES = 64 * 1024;

  constructor(private readonly sock: net.Socket) {
    sock.on('data', (chunk: Buffer) => {
      if (this.buf.length < Reader.MAX_BYTES) this.buf = Buffer.concat([this.buf, chunk]);
      if (this.buf.length >= Reader.MAX_BYTES) this.ended = true;
      this.wake?.();
    });
    sock.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    sock.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
    sock.on('error', (err) => {
      this.error ??= errText(err);
      this.ended = true;
      this.wake?.();
    });
  }

  /** Drop what was consumed by a previous expect rule. */
  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  get bytes(): Buffer {
    return this.buf;
  }

  get socketError(): { message: string; code?: string } | undefined {
    return this.error;
  }

  until<T>(judge: (bytes: Buffer, ended: boolean) => T | undefined, now: () => number, deadline: number, signal: AbortSignal | undefined): Promise<IoResult<T>> {
    return bounded<T>(now, deadline, signal, (done) => {
      const test = (): void => {
        const v = judge(this.buf, this.ended);
        if (v !== undefined) done({ ok: true, value: v });
        else if (this.ended) done({ ok: false, kind: 'closed' });
      };
      this.wake = test;
      test();
      return () => {
        this.wake = undefined;
      };
    });
  }

  write(data: Uint8Array | string): void {
    if (!this.sock.destroyed) this.sock.write(data);
  }
}
