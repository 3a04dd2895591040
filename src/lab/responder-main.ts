// Per-node responder, run inside a lab host's namespace: answers every HTTP request with the
// host's name, so a client requesting the VIP learns which node actually holds it.
// Usage: responder-main.js NAME PORT [via]   (binds 0.0.0.0 and ::; prints "ready PORT" when
// listening). With `via`, the answer is "NAME via PEER" where PEER is the connecting address: a
// backend behind the LB nodes' proxy then tells the client which LB node forwarded the request.
import { createServer } from 'node:http';

const [name, portArg, mode] = process.argv.slice(2);
if (!name || !portArg) {
  process.stderr.write('usage: responder-main.js NAME PORT\n');
  process.exit(2);
}
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
  const peer = (req.socket.remoteAddress ?? '?').replace(/^::ffff:/, '');
  res.end(mode === 'via' ? `${name} via ${peer}\n` : `${name}\n`);
});
server.keepAliveTimeout = 0;
server.on('error', (e) => {
  process.stderr.write(`responder ${name}: ${e.message}\n`);
  process.exit(1);
});
// `::` with ipv6Only false accepts IPv4 too: one socket answers on every address incl. VIPs.
server.listen({ port: Number(portArg), host: '::', ipv6Only: false }, () => {
  const a = server.address();
  process.stdout.write(`ready ${typeof a === 'object' && a ? a.port : portArg}\n`);
});
for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, () => server.close(() => process.exit(0)));
