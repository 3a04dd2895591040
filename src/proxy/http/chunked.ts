// Chunked transfer-coding scanner (RFC 9112 §7.1). The proxy forwards chunked bodies byte for
// byte; this state machine only finds where the message ends so that keep-alive and pipelining
// stay correctly framed. Strict: hex sizes of bounded length, CRLF after sizes and data
// (a bare LF is a classic smuggling vector between lenient and strict parsers), bounded
// extension and trailer sizes. The size line follows HAProxy's h1_parse_chunk_size:
// `1*HEXDIG *WSP [ ";" ext ] CRLF` — whitespace after the size is allowed only before `;` or
// CRLF (`3 junk` is an error: a lenient peer reading it as size 3, or as 0, would frame the
// body differently), and in an extension a backslash is allowed only inside quotes and quotes
// must balance (a peer that honours quoted CRLF would otherwise see another chunk line).

const enum S {
  Size,
  SizeWs,
  Ext,
  ExtQuoted,
  ExtEscape,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerLf,
  FinalLf,
  Done,
  Error,
}

const MAX_SIZE_DIGITS = 13; // < 2^52: exact in a double
const MAX_EXT_BYTES = 4096;
const MAX_TRAILER_BYTES = 16384;

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export class ChunkedScanner {
  private s: S = S.Size;
  private size = 0;
  private digits = 0;
  private remaining = 0;
  private extBytes = 0;
  private trailerBytes = 0;
  error: string | undefined;

  get done(): boolean {
    return this.s === S.Done;
  }

  get failed(): boolean {
    return this.s === S.Error;
  }

  private fail(reason: string): number {
    this.s = S.Error;
    this.error = reason;
    return -1;
  }

  /**
   * Consumes buf[start..end). Returns the number of bytes that belong to the body (the scan
   * stops right after the final CRLF, so any following bytes are the next message), or -1 on a
   * framing error (see `error`).
   */
  scan(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end) {
      switch (this.s) {
        case S.Size: {
          const c = buf[i]!;
          const v = hexVal(c);
          if (v >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) return this.fail('chunk size too long');
            this.size = this.size * 16 + v;
            i++;
          } else if (this.digits === 0) {
            return this.fail('missing chunk size');
          } else if (c === 0x0d) {
            this.s = S.SizeLf;
            i++;
          } else if (c === 0x3b /* ; */) {
            this.s = S.Ext;
            this.extBytes = 0;
            i++;
          } else if (c === 0x20 || c === 0x09) {
            this.s = S.SizeWs;
            this.extBytes = 0;
            i++;
          } else {
            return this.fail('invalid chunk size');
          }
          break;
        }
        case S.SizeWs: {
          // Only more whitespace, then `;` or CR: `3 junk` is refused (HAProxy: 400 / 502).
          const c = buf[i]!;
          if (c === 0x0d) this.s = S.SizeLf;
          else if (c === 0x3b) this.s = S.Ext;
          else if (c !== 0x20 && c !== 0x09) return this.fail('invalid chunk size');
          else if (++this.extBytes > MAX_EXT_BYTES) return this.fail('chunk extension too long');
          i++;
          break;
        }
        case S.Ext:
        case S.ExtQuoted:
        case S.ExtEscape: {
          const c = buf[i]!;
          if (++this.extBytes > MAX_EXT_BYTES) return this.fail('chunk extension too long');
          if (c === 0x0a || (c < 0x20 && c !== 0x09) || c === 0x7f) {
            if (c !== 0x0d) return this.fail('invalid chunk extension');
            if (this.s !== S.Ext) return this.fail('unterminated quote in chunk extension');
            this.s = S.SizeLf;
          } else if (this.s === S.ExtEscape) this.s = S.ExtQuoted;
          else if (c === 0x22 /* " */) this.s = this.s === S.Ext ? S.ExtQuoted : S.Ext;
          else if (c === 0x5c /* \ */) {
            if (this.s === S.Ext) return this.fail('backslash outside quotes in chunk extension');
            this.s = S.ExtEscape;
          }
          i++;
          break;
        }
        case S.SizeLf:
          if (buf[i] !== 0x0a) return this.fail('expected LF after chunk size');
          i++;
          if (this.size === 0) {
            this.s = S.TrailerStart;
            this.trailerBytes = 0;
          } else {
            this.remaining = this.size;
            this.s = S.Data;
          }
          this.size = 0;
          this.digits = 0;
          break;
        case S.Data: {
          const n = Math.min(this.remaining, end - i);
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.s = S.DataCr;
          break;
        }
        case S.DataCr:
          if (buf[i] !== 0x0d) return this.fail('expected CRLF after chunk data');
          this.s = S.DataLf;
          i++;
          break;
        case S.DataLf:
          if (buf[i] !== 0x0a) return this.fail('expected CRLF after chunk data');
          this.s = S.Size;
          i++;
          break;
        case S.TrailerStart:
          if (buf[i] === 0x0d) {
            this.s = S.FinalLf;
          } else {
            this.s = S.Trailer;
            if (++this.trailerBytes > MAX_TRAILER_BYTES) return this.fail('trailers too long');
          }
          i++;
          break;
        case S.Trailer: {
          const c = buf[i]!;
          if (c === 0x0d) this.s = S.TrailerLf;
          else if (c === 0x0a) return this.fail('bare LF in trailer');
          else if (++this.trailerBytes > MAX_TRAILER_BYTES) return this.fail('trailers too long');
          i++;
          break;
        }
        case S.TrailerLf:
          if (buf[i] !== 0x0a) return this.fail('expected LF in trailer');
          this.s = S.TrailerStart;
          i++;
          break;
        case S.FinalLf:
          if (buf[i] !== 0x0a) return this.fail('expected final LF');
          i++;
          this.s = S.Done;
          return i - start;
        case S.Done:
          return i - start;
        case S.Error:
          return -1;
      }
    }
    return i - start;
  }
}
