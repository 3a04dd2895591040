// A tiny authoritative DNS server over UDP on 127.0.0.1 (port 0) for resolver tests.
// Encodes A/AAAA answers, NODATA, NXDOMAIN and REFUSED by hand (RFC 1035 §4.1);
// 'drop' never answers (to provoke timeouts). Records can be changed while running.

import dgram from 'node:dgram';
import ipaddr from 'ipaddr.js';

export type DnsRecord = { a?: string[]; aaaa?: string[] } | 'nx' | 'refused' | 'drop';

export interface DnsServer {
  readonly port: number;
  readonly records: Map<string, DnsRecord>;
  /** Names asked so far, e.g. "api.test A". */
  readonly queries: string[];
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

function readName(msg: Buffer, off: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = off;
  for (;;) {
    const len = msg[i];
    if (len === undefined) throw new Error('truncated name');
    if (len === 0) return { name: labels.join('.').toLowerCase(), end: i + 1 };
    if ((len & 0xc0) !== 0) throw new Error('compressed question names are not expected');
    labels.push(msg.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
}

function respond(query: Buffer, records: Map<string, DnsRecord>, log: string[]): Buffer | undefined {
  if (query.length < 12) return undefined;
  const qd = query.readUInt16BE(4);
  if (qd !== 1) return undefined;
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  log.push(`${name} ${qtype === TYPE_A ? 'A' : qtype === TYPE_AAAA ? 'AAAA' : String(qtype)}`);
  const rec = records.get(name) ?? 'nx';
  if (rec === 'drop') return undefined;
  let rcode = 0;
  const answers: Buffer[] = [];
  if (rec === 'nx') rcode = 3;
  else if (rec === 'refused') rcode = 5;
  else {
    const list = qtype === TYPE_A ? (rec.a ?? []) : qtype === TYPE_AAAA ? (rec.aaaa ?? []) : [];
    for (const addr of list) {
      const rdata = Buffer.from(ipaddr.parse(addr).toByteArray());
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4); // IN
      rr.writeUInt32BE(1, 6); // TTL 1 s
      rr.writeUInt16BE(rdata.length, 10);
      answers.push(rr, rdata);
    }
  }
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  const rd = query[2]! & 0x01;
  header[2] = 0x80 | 0x04 | rd; // QR, AA, RD echoed
  header[3] = 0x80 | rcode; // RA + rcode
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length / 2, 6);
  return Buffer.concat([header, question, ...answers]);
}

export async function startDnsServer(initial: Record<string, DnsRecord> = {}): Promise<DnsServer> {
  const records = new Map(Object.entries(initial).map(([k, v]) => [k.toLowerCase(), v] as const));
  const queries: string[] = [];
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    let out: Buffer | undefined;
    try {
      out = respond(msg, records, queries);
    } catch {
      out = undefined; // malformed query: dropped, never a crash
    }
    if (out) sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: sock.address().port,
    records,
    queries,
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}
