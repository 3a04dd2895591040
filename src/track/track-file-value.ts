// The integer in a track_file, read like keepalived's strtol(buf, NULL, 0)
// (trackers/track_file.c process_track_file): leading blanks, optional sign, 0x.. hex,
// 0.. octal, digits up to the first non-digit; no digits -> 0; a missing or empty file -> 0;
// a value outside int32 (+1) is ignored (the previous value stays). Only the first 127
// bytes are read. Pure.

export type TrackFileRead = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

export function parseTrackFileValue(content: string | undefined): TrackFileRead {
  if (content === undefined) return { ok: true, value: 0 };
  const s = content.slice(0, 127);
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?/.exec(s)!;
  if (!m[2]) return { ok: true, value: 0 };
  const digits = m[2];
  let mag: bigint;
  if (/^0[xX]/.test(digits)) mag = BigInt(digits);
  else if (digits.length > 1 && digits.startsWith('0')) mag = BigInt('0o' + digits.slice(1));
  else mag = BigInt(digits);
  const v = m[1] === '-' ? -mag : mag;
  if (v < -2147483648n || v > 2147483648n) return { ok: false, reason: `invalid number ${v} (outside int32)` };
  return { ok: true, value: Number(v) };
}
