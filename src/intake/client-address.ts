import { isIPv4, isIPv6 } from 'node:net';

/** An IPv6 address's first four hextets (its /64), normalised: `2001:db8:1:2`. */
function prefix64(address: string): string {
  const [head = '', tail] = address.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (`::1.2.3.4`) takes two hextets; it never reaches the first four but counts.
  const width = (parts: string[]) => parts.reduce((n, part) => n + (part.includes('.') ? 2 : 1), 0);
  const hextets = [
    ...headParts,
    ...Array.from({ length: 8 - width(headParts) - width(tailParts) }, () => '0'),
    ...tailParts,
  ];
  return hextets
    .slice(0, 4)
    .map((hextet) => Number.parseInt(hextet, 16).toString(16))
    .join(':');
}

/**
 * The client that the admin limits and the refusal counter key on: an IPv4 address (also when
 * written IPv4-mapped), or an IPv6 address's /64. A subscriber usually holds a whole /64, so
 * counting single IPv6 addresses would hand one client 2^64 budgets and one counter row each.
 */
export function clientOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = ip.slice('::ffff:'.length);
  if (ip.toLowerCase().startsWith('::ffff:') && isIPv4(mapped)) return mapped;
  if (isIPv4(ip)) return ip;
  const address = ip.split('%')[0] ?? ip;
  if (isIPv6(address)) return `${prefix64(address)}::/64`;
  // Not an address (a Unix socket, an odd proxy value): as given, bounded as the table requires.
  return ip.slice(0, 64);
}
