// Byte sink and source for the bulk transfer measurement.
// Protocol per connection: 9-byte header, op ('U' upload | 'D' download) + uint64 BE length.
//   U: read `length` bytes, then answer one byte 'K'.   D: send `length` bytes, then end.
import { createServer, type Socket } from 'node:net';
import { emit, exitWithParent } from './emit.js';

const CHUNK = Buffer.alloc(1 << 20, 0x61);
exitWithParent(10 * 60_000);

function sendBytes(sock: Socket, length: number): void {
  let left = length;
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      const more = sock.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      if (!more) {
        sock.once('drain', pump);
        return;
      }
    }
    sock.end();
  };
  pump();
}

const server = createServer((sock) => {
  sock.on('error', () => sock.destroy());
  let header = Buffer.alloc(0);
  let op = '';
  let left = 0;
  sock.on('data', (d: Buffer) => {
    if (op === '') {
      header = Buffer.concat([header, d]);
      if (header.length < 9) return;
      op = String.fromCharCode(header[0]!);
      left = Number(header.readBigUInt64BE(1));
      d = header.subarray(9);
      if (op === 'D') return sendBytes(sock, left);
    }
    if (op === 'U') {
      left -= d.length;
      if (left <= 0) {
        op = 'done';
        sock.end('K');
      }
    }
  });
});
server.listen({ port: 0, host: '127.0.0.1' }, () => {
  const a = server.address();
  emit('listening', { port: typeof a === 'object' && a ? a.port : 0 });
});
