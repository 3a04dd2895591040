// 32-bit hashing for `balance source` and its ring: FNV-1a over the bytes of the key, then
// the murmur3 finaliser so that near-identical keys (10.0.0.1 / 10.0.0.2, "srv#1" / "srv#2")
// land far apart on the ring. Not cryptographic; only spread matters here.

export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
