// Accepts TCP connections and holds them, reporting how many are open (for the idle-RSS measurement).
import { createServer } from 'node:net';
import { emit, exitWithParent } from './emit.js';

exitWithParent(10 * 60_000);
let open = 0;
let reported = -1;
const server = createServer((sock) => {
  open++;
  sock.on('error', () => {});
  sock.on('close', () => open--);
});
server.on('error', (e) => emit('error', { message: e.message }));
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  const a = server.address();
  emit('listening', { port: typeof a === 'object' && a ? a.port : 0 });
});
setInterval(() => {
  if (open !== reported) {
    reported = open;
    emit('count', { open });
  }
}, 100);
