// `option forwardfor except <network>`: client addresses inside the network get no header.
// IPv4-mapped IPv6 client addresses (::ffff:a.b.c.d, what a dual-stack listener reports)
// are compared as IPv4.
import ipaddr from 'ipaddr.js';

export type AddressMatcher = (address: string) => boolean;

export function cidrMatcher(cidr: string): AddressMatcher {
  const withMask = cidr.includes('/') ? cidr : `${cidr}/${ipaddr.parse(cidr).kind() === 'ipv4' ? 32 : 128}`;
  const range = ipaddr.parseCIDR(withMask);
  return (address: string) => {
    if (!ipaddr.isValid(address)) return false;
    const a = ipaddr.process(address);
    if (a.kind() !== range[0].kind()) return false;
    return a.match(range);
  };
}

/** Client address as it should appear in X-Forwarded-For and logs (IPv4-mapped shown as IPv4). */
export function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
