// One bulk transfer through HOST:PORT. Usage: bulk-client.js PORT U|D BYTES
// Prints {"event":"result","bytes":N,"seconds":S}; time runs from connect to the last byte / the ack.
import { connect } from 'node:net';
import { emit } from './emit.js';

const port = Number(process.argv[2]);
const op = process.argv[3] === 'D' ? 'D' : 'U';
const bytes = Number(process.argv[4]);
const CHUNK = Buffer.alloc(1 << 20, 0x62);
setTimeout(() => {
  emit('error', { message: 'bulk transfer exceeded 60 s' });
  process.exit(2);
}, 60_000).unref();

const sock = connect(port, '127.0.0.1');
let t0 = 0n;
let received = 0;
const finish = (): void => {
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  emit('result', { bytes, seconds });
  process.exit(0);
};
sock.on('error', (e) => {
  emit('error', { message: e.message });
  process.exit(2);
});
sock.on('connect', () => {
  t0 = process.hrtime.bigint();
  const h = Buffer.alloc(9);
  h[0] = op.charCodeAt(0);
  h.writeBigUInt64BE(BigInt(bytes), 1);
  sock.write(h);
  if (op === 'U') {
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, CHUNK.length);
        left -= n;
        if (!sock.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          sock.once('drain', pump);
          return;
        }
      }
    };
    pump();
  }
});
sock.on('data', (d: Buffer) => {
  if (op === 'U') {
    if (d.includes(0x4b)) finish();
    return;
  }
  received += d.length;
  if (received >= bytes) finish();
});
sock.on('end', () => {
  emit('error', { message: `connection ended early after ${received} bytes` });
  process.exit(2);
});
