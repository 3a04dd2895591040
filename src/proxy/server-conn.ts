// A pooled server-side connection for http mode. Its socket handlers are attached once and
// forward to whichever session currently owns it, so reusing a connection costs no listener
// churn. While idle (no owner) any data or close from the server just retires it.
import type { Socket } from 'node:net';
import type { ServerRuntime } from './backend-runtime.js';
import { onData } from './fast-read.js';

export interface ServerConnOwner {
  onServerData(chunk: Buffer): void;
  onServerEnd(): void;
  onServerClose(hadError: boolean): void;
  onServerError(err: NodeJS.ErrnoException): void;
  onServerTimeout(): void;
  onServerDrain(): void;
  /** An exception escaped a handler: the owner drops the session (never the process). */
  onInternalError(err: unknown): void;
}

function guarded(owner: ServerConnOwner, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    owner.onInternalError(err);
  }
}

export class ServerConn {
  owner: ServerConnOwner | undefined;
  /** Requests served on this connection (0 = fresh: a failure is then a connect-level failure). */
  uses = 0;
  closed = false;
  /** Reading paused by pause(): resume() costs nothing on the (usual) unpaused connection. */
  private paused = false;

  constructor(
    readonly socket: Socket,
    readonly server: ServerRuntime,
    timeoutMs: number | undefined,
  ) {
    onData(socket, (c: Buffer) => {
      if (this.owner) this.owner.onServerData(c);
      else this.destroy();
    });
    socket.on('end', () => {
      const o = this.owner;
      if (o) guarded(o, () => o.onServerEnd());
      else this.destroy();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const o = this.owner;
      if (o) guarded(o, () => o.onServerError(e));
    });
    socket.on('close', (hadError: boolean) => {
      this.closed = true;
      this.unpool();
      const o = this.owner;
      this.owner = undefined;
      if (o) guarded(o, () => o.onServerClose(hadError));
    });
    socket.on('drain', () => {
      const o = this.owner;
      if (o) guarded(o, () => o.onServerDrain());
    });
    if (timeoutMs !== undefined && timeoutMs > 0) {
      // `timeout server` is an inactivity timeout (HAProxy); idle pooled connections expire with it too.
      socket.setTimeout(timeoutMs);
      socket.on('timeout', () => {
        const o = this.owner;
        if (o) guarded(o, () => o.onServerTimeout());
        else this.destroy();
      });
    }
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  private unpool(): void {
    const idle = this.server.idle;
    const i = idle.indexOf(this);
    if (i >= 0) idle.splice(i, 1);
  }

  destroy(): void {
    this.owner = undefined;
    this.unpool();
    this.closed = true;
    this.socket.destroy();
  }
}
