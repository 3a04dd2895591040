// Pure `option ssl-hello-chk`: a forged ClientHello and the verdict on the reply.
//
// HAProxy forges an SSLv3 hello; modern servers (OpenSSL 3, Go) refuse SSLv3 outright,
// so halb sends a TLS 1.2 ClientHello (record version 0x0301, client_version 0x0303)
// offering common ECDHE/RSA AES-GCM and CBC suites, which every TLS 1.2/1.3 server
// answers with a ServerHello. As in HAProxy (its ruleset is `expect rbinary ^1[56]`
// with min-recv 5), a TLS alert record is accepted too: it still proves the peer
// speaks TLS. Anything else (an HTTP "400", a banner, EOF) is 'Layer6 invalid response'.

const CIPHER_SUITES = [
  0xc02f,
  0xc02b,
  0xc030,
  0xc02c, // ECDHE-{RSA,ECDSA}-AES{128,256}-GCM
  0xcca8,
  0xcca9, // ECDHE-*-CHACHA20-POLY1305
  0xc013,
  0xc014, // ECDHE-RSA-AES{128,256}-SHA
  0x009c,
  0x009d,
  0x002f,
  0x0035, // RSA AES-GCM / CBC
  0x00ff, // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746)
];
const GROUPS = [0x001d, 0x0017, 0x0018]; // x25519, secp256r1, secp384r1
const SIG_ALGS = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601];

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u24(n: number): number[] {
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
function ext(type: number, body: number[]): number[] {
  return [...u16(type), ...u16(body.length), ...body];
}

/** `random` must be 32 bytes (the adapter draws them from node:crypto). */
export function buildClientHello(random: Uint8Array): Uint8Array {
  if (random.length !== 32) throw new RangeError('ClientHello random must be 32 bytes');
  const suites = CIPHER_SUITES.flatMap(u16);
  const groups = GROUPS.flatMap(u16);
  const sigs = SIG_ALGS.flatMap(u16);
  const extensions = [
    ...ext(0x000a, [...u16(groups.length), ...groups]), // supported_groups (RFC 8422)
    ...ext(0x000b, [1, 0]), // ec_point_formats: uncompressed
    ...ext(0x000d, [...u16(sigs.length), ...sigs]), // signature_algorithms (RFC 5246 §7.4.1.4.1)
    ...ext(0xff01, [0]), // renegotiation_info, empty (RFC 5746)
  ];
  const body = [
    0x03,
    0x03, // client_version TLS 1.2
    ...random,
    0, // session_id length
    ...u16(suites.length),
    ...suites,
    1,
    0, // compression methods: null
    ...u16(extensions.length),
    ...extensions,
  ];
  const handshake = [1, ...u24(body.length), ...body]; // ClientHello
  return Uint8Array.from([0x16, 0x03, 0x01, ...u16(handshake.length), ...handshake]);
}

export type HelloVerdict = { readonly kind: 'need-more' } | { readonly kind: 'pass'; readonly detail: string } | { readonly kind: 'fail'; readonly detail: string };

/** Judge the first bytes of the reply: a TLS handshake (ServerHello) or alert record. */
export function evalHelloReply(bytes: Uint8Array, ended: boolean): HelloVerdict {
  if (bytes.length < 5) {
    if (!ended) return { kind: 'need-more' };
    return { kind: 'fail', detail: bytes.length ? 'short reply' : 'connection closed without reply' };
  }
  const type = bytes[0];
  const major = bytes[1];
  if (major !== 3 || (type !== 0x16 && type !== 0x15)) return { kind: 'fail', detail: 'not a TLS record' };
  if (type === 0x15) return { kind: 'pass', detail: 'TLS alert' };
  if (bytes.length < 6) return ended ? { kind: 'fail', detail: 'short reply' } : { kind: 'need-more' };
  // Handshake record: the first message must be ServerHello (type 2).
  return bytes[5] === 2 ? { kind: 'pass', detail: 'ServerHello' } : { kind: 'fail', detail: `unexpected handshake type ${bytes[5]}` };
}
