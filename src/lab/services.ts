// Helper processes the lab runs in its namespaces: per-node responders.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Lab } from './topology.js';
import type { LabProcess } from './process.js';
import { waitFor } from './wait.js';

/**
 * Port the responders listen on inside every lab namespace. Fixed on purpose: the client requests
 * VIP:port and must get an answer from whichever node holds the VIP. The namespaces are private to
 * this lab, so no other process can hold the port.
 */
export const RESPONDER_PORT = 8080;

/** `via`: answer "NAME via PEER" (backends behind a proxy; see responder-main.ts). */
export async function startResponder(lab: Lab, host: string, port = RESPONDER_PORT, timeoutMs = 10_000, opts: { via?: boolean } = {}): Promise<LabProcess> {
  const main = fileURLToPath(new URL('./responder-main.js', import.meta.url));
  const log = lab.path(`responder-${host}.log`);
  const p = lab.spawn(host, [process.execPath, main, host, String(port), ...(opts.via ? ['via'] : [])], { pipe: true, logFile: log });
  let ready = false;
  createInterface({ input: p.child.stdout! }).on('line', (l) => {
    if (l.startsWith('ready')) ready = true;
  });
  await waitFor(
    `responder on ${host}:${port}`,
    () => {
      if (!p.running) throw new Error(`responder on ${host} exited (${JSON.stringify(p.exit)}), see ${log}`);
      return ready;
    },
    { timeoutMs, intervalMs: 20 },
  );
  return p;
}
