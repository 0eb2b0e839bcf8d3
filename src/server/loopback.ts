import { BlockList, isIP } from 'node:net';

// IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are checked against the IPv4 rule too.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a bound address is reachable from this machine only; `0.0.0.0` and `::` are every interface. */
export function isLoopback(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}
