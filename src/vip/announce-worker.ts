// Sends gratuitous ARP / unsolicited NA from a worker thread. Why: the addon opens and closes a
// packet socket per call, and closing an AF_PACKET socket waits for an RCU grace period in the
// kernel (synchronize_net), ~10-15 ms here. On the main thread, 50 VIPs × 5 repeats blocked the
// event loop for seconds: adverts went out late and the backup took over (measured in the
// failover bench's 50-instance case). The worker keeps VRRP timing on the main thread intact.
import { Worker } from 'node:worker_threads';

export interface AnnounceRequest {
  readonly id: number;
  readonly family: 4 | 6;
  readonly ifname: string;
  readonly address: string;
  readonly count: number;
  readonly router: boolean;
}

export type AnnounceResult = { readonly ok: true; readonly sent: number } | { readonly ok: false; readonly message: string; readonly code?: string };
export type AnnounceReply = { readonly id: number } & AnnounceResult;

export class AnnounceError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export class AnnounceWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();

  send(req: Omit<AnnounceRequest, 'id'>): Promise<number> {
    const w = this.start();
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Referenced only while an answer is awaited, so an idle worker never keeps the process up.
      if (this.waiting.size === 1) w.ref();
      w.postMessage({ id, ...req } satisfies AnnounceRequest);
    });
  }

  /**
   * Starts the worker now: its start-up (a new isolate loading the addon) took ~80 ms in the lab,
   * which, paid on the first takeover, delayed the first gratuitous ARP by as much.
   */
  warm(): void {
    this.start();
  }

  /** Terminates the worker; pending sends reject. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new Error('announce worker closed'));
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./announce-worker-main.js', import.meta.url));
    w.unref();
    w.on('message', (r: AnnounceReply) => {
      const p = this.waiting.get(r.id);
      if (!p) return;
      this.waiting.delete(r.id);
      if (this.waiting.size === 0) w.unref();
      if (r.ok) p.resolve(r.sent);
      else p.reject(new AnnounceError(r.message, r.code));
    });
    w.on('error', (err) => {
      // A worker that cannot load the addon or crashed: fail what waits, start afresh next time.
      if (this.worker === w) this.worker = undefined;
      this.failAll(err);
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(new Error('announce worker exited'));
    });
    this.worker = w;
    return w;
  }

  private failAll(err: Error): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const p of all) p.reject(err);
  }
}
