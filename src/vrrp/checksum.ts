// Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words over the
// concatenation of `parts`, folded and inverted. Parts are summed as one byte stream, so an
// odd-length part shifts the word alignment of the next one exactly as if they were contiguous.
// Pure module.

export function internetChecksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd = false; // true when the previous byte was the high half of a word
  let high = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const b = p[i]!;
      if (odd) {
        sum += (high << 8) | b;
        odd = false;
      } else {
        high = b;
        odd = true;
      }
    }
    // fold periodically so the sum stays a small integer
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (odd) sum += high << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
