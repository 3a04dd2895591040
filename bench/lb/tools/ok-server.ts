// A tiny HTTP server answering 200 "ok" with an `x-server` header naming it; one process per server so
// the bench can kill one (its listener closes and its connections reset, as when a host dies).
// Usage: ok-server.js NAME
import { createServer } from 'node:http';
import { emit, exitWithParent } from './emit.js';

const name = process.argv[2] ?? 's';
exitWithParent(10 * 60_000);
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2', 'x-server': name });
  res.end('ok');
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const a = server.address();
  emit('listening', { port: typeof a === 'object' && a ? a.port : 0 });
});
