// Child process for the large-body test: runs a raw chunked-echo HTTP backend and, once told
// the proxy's port on stdin, a raw client that uploads TOTAL bytes and counts the echoed
// download. Kept out of the test process so that its RSS reflects the proxy alone.
import net from 'node:net';

const TOTAL = Number(process.argv[2] ?? 100 * 1024 * 1024);
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

const backend = net.createServer((s) => {
  s.on('error', () => {});
  let head = '';
  const onData = (d: Buffer): void => {
    head += d.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    s.removeListener('data', onData);
    s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    let left = TOTAL;
    const send = (c: Buffer): void => {
      left -= c.length;
      s.cork();
      s.write(`${c.length.toString(16)}\r\n`);
      s.write(c);
      const ok = s.write(left === 0 ? '\r\n0\r\n\r\n' : '\r\n');
      s.uncork();
      if (!ok) {
        s.pause();
        s.once('drain', () => s.resume());
      }
    };
    const rest = Buffer.from(head.slice(end + 4), 'latin1');
    if (rest.length) send(rest);
    s.on('data', send);
  };
  s.on('data', onData);
});

backend.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(backend.address() as net.AddressInfo).port}\n`);
});

process.stdin.once('data', (d) => {
  const port = Number(d.toString().trim());
  const c = net.connect(port, '127.0.0.1');
  let n = 0;
  let tail = '';
  c.on('connect', () => {
    c.write(`POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: ${TOTAL}\r\n\r\n`);
    let left = TOTAL;
    const go = (): void => {
      while (left > 0) {
        const k = Math.min(left, CHUNK.length);
        left -= k;
        if (!c.write(k === CHUNK.length ? CHUNK : CHUNK.subarray(0, k))) {
          c.once('drain', go);
          return;
        }
      }
    };
    go();
  });
  c.on('data', (b: Buffer) => {
    n += b.length;
    tail = (tail + b.toString('latin1', Math.max(0, b.length - 8))).slice(-8);
    if (tail.endsWith('\r\n0\r\n\r\n')) {
      process.stdout.write(`received ${n}\n`);
      c.destroy();
      backend.close();
      process.exit(0);
    }
  });
  c.on('error', (e) => {
    process.stdout.write(`error ${e.message}\n`);
    process.exit(1);
  });
});
