// The descriptor behind a connected net.Socket. Node's TCP handles expose it on Linux (`fd`);
// the native fast paths (native-relay.ts, direct-write.ts) use it and fall back without it.
import type { Socket } from 'node:net';

export function socketFd(s: Socket): number | undefined {
  const fd = (s as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}
