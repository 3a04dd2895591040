// Per-node responder, run inside a lab host's namespace: answers every HTTP request with the
// host's name, so a client requesting the VIP learns which node actually holds it.
// Usage: responder-main.js NAME PORT   (binds 0.0.0.0 and ::; prints "ready PORT" when listening)
import { createServer } from 'node:http';

const [name, portArg] = process.argv.slice(2);
if (!name || !portArg) {
  process.stderr.write('usage: responder-main.js NAME PORT\n');
  process.exit(2);
}
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
  res.end(`${name}\n`);
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
