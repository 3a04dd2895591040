// A tiny HTTP server answering 200 "ok" with an `x-server` header naming it; one process per server so
// the bench can kill one (its listener closes and its connections reset, as when a host dies).
// Usage: ok-server.js NAME [DELAY_MS]   (DELAY_MS: answer each request that much later, for queueing rows)
import { createServer } from 'node:http';
import { emit, exitWithParent } from './emit.js';

const name = process.argv[2] ?? 's';
const delayMs = Number(process.argv[3] ?? '0');
exitWithParent(10 * 60_000);
const answer = (res: import('node:http').ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2', 'x-server': name });
  res.end('ok');
};
const server = createServer((req, res) => {
  req.resume();
  if (delayMs > 0) setTimeout(answer, delayMs, res);
  else answer(res);
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const a = server.address();
  emit('listening', { port: typeof a === 'object' && a ? a.port : 0 });
});
