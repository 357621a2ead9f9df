import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never be sent to outside local development (SSRF): this host, the private
 * networks behind it and the cloud metadata service. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`)
 * are matched against the IPv4 rules by `BlockList` itself; NAT64 addresses (`64:ff9b::/96`) by the
 * IPv4 address they embed.
 */
const IPV4_BLOCKED: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. the metadata service 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
];

const IPV6_BLOCKED: Array<[string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const blocked = new BlockList();
for (const [net, prefix] of IPV4_BLOCKED) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of IPV6_BLOCKED) blocked.addSubnet(net, prefix, 'ipv6');

const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

/** The IPv4 address in the last 32 bits of an IPv6 address (`64:ff9b::7f00:1` → `127.0.0.1`). */
function embeddedIpv4(address: string): string {
  const groups = expandIpv6(address);
  const hi = parseInt(groups[6], 16);
  const lo = parseInt(groups[7], 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tails converted). */
function expandIpv6(address: string): string[] {
  let a = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    const [p, q, r, s] = dotted[1].split('.').map(Number);
    a = a.slice(0, -dotted[1].length) + `${((p << 8) | q).toString(16)}:${((r << 8) | s).toString(16)}`;
  }
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const fill = a.includes('::') ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t];
}

/** True when `address` (an IPv4 or IPv6 literal, brackets allowed) is loopback, private, link-local, unique-local or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    if (blocked.check(ip, 'ipv6')) return true;
    if (NAT64.check(ip, 'ipv6')) return blocked.check(embeddedIpv4(ip), 'ipv4');
    return false;
  }
  // Not an IP literal: the caller resolves names first; anything else is refused.
  return true;
}
