import { isIP } from 'node:net';

// Which IP addresses an outbound request (webhook, Web Push) may reach. A URL that names or resolves to
// one of these ranges could make the server talk to itself, its LAN or a cloud metadata service (SSRF).

interface Range {
  bytes: number[];
  prefix: number;
  name: string;
}

const v4 = (cidr: string, name: string): Range => {
  const [address = '', prefix = '32'] = cidr.split('/');
  return { bytes: address.split('.').map(Number), prefix: Number(prefix), name: `${name} (${cidr})` };
};

const v6 = (cidr: string, name: string): Range => {
  const [address = '', prefix = '128'] = cidr.split('/');
  return { bytes: parseIpv6(address) ?? [], prefix: Number(prefix), name: `${name} (${cidr})` };
};

// IANA special-purpose registries (RFC 6890 and successors): everything that is not the public internet.
const IPV4_RANGES: Range[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local, cloud metadata'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'IETF protocol assignments'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', '6to4 relay anycast'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved, broadcast'),
];

const IPV6_RANGES: Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('64:ff9b:1::/48', 'local-use NAT64'),
  v6('100::/64', 'discard-only'),
  v6('2001::/32', 'Teredo'),
  v6('2001:db8::/32', 'documentation'),
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'site-local'),
  v6('ff00::/8', 'multicast'),
];

// IPv6 forms that carry an IPv4 address, which is what the packets finally reach.
const IPV4_EMBEDDING: { range: Range; offset: number }[] = [
  { range: v6('::ffff:0:0/96', 'IPv4-mapped'), offset: 12 },
  { range: v6('::/96', 'IPv4-compatible'), offset: 12 },
  { range: v6('64:ff9b::/96', 'NAT64'), offset: 12 },
  { range: v6('2002::/16', '6to4'), offset: 2 },
];

function parseIpv4(address: string): number[] | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
    return undefined;
  }
  return parts.map(Number);
}

function parseIpv6(address: string): number[] | undefined {
  let text = address;
  let tail: number[] = [];
  // A trailing dotted quad (::ffff:127.0.0.1) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const quad = parseIpv4(text.slice(lastColon + 1));
    if (!quad) {
      return undefined;
    }
    tail = quad;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const groupsOf = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groupsOf(halves[0]);
  const rest = groupsOf(halves[1]);
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) {
    return undefined;
  }
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (groups.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) {
    return undefined;
  }
  const bytes = groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length === 4) {
    bytes.splice(12, 4, ...tail);
  }
  return bytes;
}

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) {
    return false;
  }
  let bits = range.prefix;
  for (let i = 0; bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((range.bytes[i] ?? 0) & mask)) {
      return false;
    }
  }
  return true;
}

function classifyV4(bytes: number[]): string | undefined {
  return IPV4_RANGES.find((range) => inRange(bytes, range))?.name;
}

// Undefined for a public (globally reachable) address; otherwise why it is refused, e.g. "loopback (127.0.0.0/8)".
export function nonPublicReason(address: string): string | undefined {
  // Zone ids (fe80::1%eth0) only ever qualify link-local addresses.
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) {
    const bytes = parseIpv4(bare);
    return bytes ? classifyV4(bytes) : 'not an IP address';
  }
  const bytes = family === 6 ? parseIpv6(bare) : undefined;
  if (!bytes) {
    return 'not an IP address';
  }
  const special = IPV6_RANGES.find((range) => inRange(bytes, range));
  if (special) {
    return special.name;
  }
  for (const { range, offset } of IPV4_EMBEDDING) {
    if (inRange(bytes, range)) {
      const embedded = classifyV4(bytes.slice(offset, offset + 4));
      return embedded && `${embedded} via ${range.name}`;
    }
  }
  return undefined;
}

export const isPublicAddress = (address: string): boolean => nonPublicReason(address) === undefined;
