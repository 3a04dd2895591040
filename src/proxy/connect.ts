// Opening server connections with `timeout connect`, classifying failures for retries and
// passive health reports. A failure is a value, never an exception.
import { Socket } from 'node:net';
import { fastReadOptions } from './fast-read.js';
import type { PassiveFailure } from '../health/types.js';

export type ConnectResult = { readonly ok: true; readonly socket: Socket } | { readonly ok: false; readonly kind: PassiveFailure; readonly code: string };

export function classifyError(err: NodeJS.ErrnoException | undefined): PassiveFailure {
  const code = err?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'reset';
}

// Module-level so that the error guard left on a connected socket retains no closure context
// (the connect attempt's timer, callbacks and promise): memory per idle connection is a
// measured target.
function ignoreError(): void {}

export function connectServer(host: string, port: number, timeoutMs: number | undefined): Promise<ConnectResult> {
  return new Promise((resolve) => {
    // Same write buffer bound as client sockets (see proxy.ts makeServer): fewer pause/resume cycles.
    const socket = new Socket({ allowHalfOpen: true, writableHighWaterMark: 256 * 1024, ...fastReadOptions() } as ConstructorParameters<typeof Socket>[0]);
    let timer: NodeJS.Timeout | undefined;
    const onError = (err: NodeJS.ErrnoException): void => {
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve({ ok: false, kind: classifyError(err), code: err.code ?? 'ERROR' });
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      if (timer) clearTimeout(timer);
      socket.removeListener('error', onError);
      // Never leave a socket without an error listener, even between here and the session
      // attaching its own: an unhandled 'error' would take the whole process down.
      socket.on('error', ignoreError);
      socket.setNoDelay(true);
      resolve({ ok: true, socket });
    });
    if (timeoutMs !== undefined && timeoutMs > 0) {
      timer = setTimeout(() => {
        socket.removeListener('error', onError);
        socket.on('error', ignoreError);
        socket.destroy();
        resolve({ ok: false, kind: 'timeout', code: 'ETIMEDOUT' });
      }, timeoutMs);
    }
    socket.connect({ host, port, noDelay: true });
  });
}
