// Lab client for the hand-over straddle case, run inside the client's namespace: opens a TCP
// connection to VIP:PORT (answered by the current master), waits until the client's neighbour
// entry for the VIP moves to NEW_MAC (the new master's gratuitous ARP), then sends an HTTP
// request on that old connection. Its next segments therefore reach the new master, which never
// saw the connection. Prints "connected", then one JSON line {ok, body?, error?}.
// Usage: straddle-main.js VIP PORT NEW_MAC [TIMEOUT_MS]
import net from 'node:net';
import { readFileSync } from 'node:fs';

const [vip, portArg, newMac, timeoutArg] = process.argv.slice(2);
if (!vip || !portArg || !newMac) {
  process.stderr.write('usage: straddle-main.js VIP PORT NEW_MAC [TIMEOUT_MS]\n');
  process.exit(2);
}
const timeoutMs = Number(timeoutArg ?? 20_000);

function arpMac(): string | undefined {
  for (const line of readFileSync('/proc/net/arp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[0] === vip) return f[3];
  }
  return undefined;
}

const done = (r: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
};

const sock = net.connect({ host: vip, port: Number(portArg) });
sock.setNoDelay(true);
let body = '';
sock.setEncoding('utf8');
sock.on('data', (d: string) => (body += d));
sock.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message, body }));
sock.on('end', () => done({ ok: /^HTTP\/1\.1 200/.test(body), body: body.split('\r\n\r\n')[1] ?? '' }));
sock.on('connect', () => {
  process.stdout.write('connected\n');
  const start = Date.now();
  // Busy-ish poll (1 ms): the request must leave right after the ARP switch, well inside the
  // old master's grace. Bounded by TIMEOUT_MS.
  const poll = setInterval(() => {
    if (arpMac() === newMac) {
      clearInterval(poll);
      sock.write(`GET / HTTP/1.1\r\nHost: ${vip}\r\nConnection: close\r\n\r\n`);
      setTimeout(() => done({ ok: false, error: 'no answer within 5 s', body }), 5000).unref();
    } else if (Date.now() - start > timeoutMs) {
      clearInterval(poll);
      done({ ok: false, error: `neighbour entry never moved to ${newMac}` });
    }
  }, 1);
});
