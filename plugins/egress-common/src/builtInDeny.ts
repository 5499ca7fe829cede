/**
 * Destinations no platform grants: loopback, link-local, cloud metadata
 * names and addresses, unspecified, multicast and broadcast. They apply under
 * every policy; a policy re-allows one only by naming its entry in
 * `builtInDenyExceptions`. Private ranges are granted only when the policy
 * sets `allowPrivateAddresses`.
 */
import { ParsedCidr, cidrNetwork, formatCidr, formatIp, parseCidr } from './addresses';
import { hostMatchesPattern, hostOverlapsPattern, normalizeHost } from './hostnames';

/** One entry of the built-in deny set: a host pattern or a CIDR, and why. @public */
export interface BuiltInDenyEntry {
  /** A host pattern (`metadata.google.internal`, `*.local`) or a canonical CIDR. */
  entry: string;
  /** What the destination is, e.g. "the cloud metadata endpoint". */
  what: string;
}

const names: BuiltInDenyEntry[] = [
  { entry: 'metadata.google.internal', what: 'the GCP metadata endpoint' },
  { entry: 'metadata.goog', what: 'the GCP metadata endpoint' },
  { entry: 'instance-data.ec2.internal', what: 'the AWS metadata endpoint' },
  { entry: 'instance-data', what: 'the AWS metadata endpoint' },
  { entry: 'metadata.azure.internal', what: 'the Azure metadata endpoint' },
  { entry: 'metadata.oraclecloud.com', what: 'the Oracle Cloud metadata endpoint' },
  { entry: 'host.docker.internal', what: 'the container host' },
  { entry: 'gateway.docker.internal', what: 'the container host' },
  { entry: 'localhost', what: 'loopback' },
  { entry: '*.localhost', what: 'loopback' },
  { entry: '*.local', what: 'a link-local (mDNS) .local name' },
];

// Specific endpoints first, so a range containing one names it.
const ranges: BuiltInDenyEntry[] = [
  { entry: '169.254.169.254/32', what: 'the cloud metadata endpoint' },
  { entry: 'fd00:ec2::254/128', what: 'the AWS metadata endpoint (IPv6)' },
  { entry: 'fd20:ce::254/128', what: 'the GCP metadata endpoint (IPv6)' },
  { entry: '100.100.100.200/32', what: 'the Alibaba Cloud metadata endpoint' },
  { entry: '192.0.0.192/32', what: 'the Oracle Cloud metadata endpoint' },
  { entry: '168.63.129.16/32', what: 'the Azure platform endpoint (WireServer)' },
  { entry: '127.0.0.0/8', what: 'loopback' },
  { entry: '::1/128', what: 'loopback' },
  { entry: '169.254.0.0/16', what: 'link-local' },
  { entry: 'fe80::/10', what: 'link-local' },
  { entry: '0.0.0.0/8', what: 'unspecified ("this network")' },
  { entry: '::/128', what: 'unspecified' },
  { entry: '224.0.0.0/4', what: 'multicast' },
  { entry: 'ff00::/8', what: 'multicast' },
  { entry: '255.255.255.255/32', what: 'broadcast' },
  { entry: '::ffff:0.0.0.0/96', what: 'IPv4-mapped IPv6 (request the IPv4 range instead)' },
];

/** Private ranges, granted only with `allowPrivateAddresses`. @public */
export const PRIVATE_RANGES: readonly BuiltInDenyEntry[] = [
  { entry: '10.0.0.0/8', what: 'a private range (RFC 1918)' },
  { entry: '172.16.0.0/12', what: 'a private range (RFC 1918)' },
  { entry: '192.168.0.0/16', what: 'a private range (RFC 1918)' },
  { entry: '100.64.0.0/10', what: 'a private range (carrier-grade NAT, RFC 6598)' },
  { entry: 'fc00::/7', what: 'a private range (unique local, RFC 4193)' },
];

/** The built-in deny set, names then ranges. @public */
export const BUILT_IN_DENY_SET: readonly BuiltInDenyEntry[] = [
  ...names,
  ...ranges.map(r => ({ ...r, entry: formatCidr(parseCidr(r.entry)!) })),
];

/** Whether two CIDR blocks share any address. */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  if (a.version !== b.version) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  const left = cidrNetwork({ ...a, prefix }).bytes;
  const right = cidrNetwork({ ...b, prefix }).bytes;
  return left.every((byte, i) => byte === right[i]);
}

function rangeFinding(text: string, entries: readonly BuiltInDenyEntry[], exceptions: readonly string[]) {
  const cidr = parseCidr(text);
  if (!cidr) return undefined;
  const candidates = entries
    .filter(e => !exceptions.includes(e.entry))
    .flatMap(e => {
      const block = parseCidr(e.entry);
      return block && cidrsOverlap(cidr, block) ? [{ ...e, block }] : [];
    });
  // A block holding the whole request says best what it is; the most specific first.
  const holding = candidates.filter(e => e.block.prefix <= cidr.prefix).sort((a, b) => b.block.prefix - a.block.prefix)[0];
  if (holding) {
    const name = singleAddress(holding.block) ? formatIp(holding.block) : holding.entry;
    const same = holding.block.prefix === cidr.prefix;
    return same ? `${name} is ${holding.what}` : `${text} is ${holding.what} (${name})`;
  }
  const inside = candidates[0];
  if (!inside) return undefined;
  const name = singleAddress(inside.block) ? formatIp(inside.block) : inside.entry;
  return `${text} contains ${name}, ${inside.what}`;
}

function singleAddress(cidr: ParsedCidr): boolean {
  return cidr.prefix === (cidr.version === 4 ? 32 : 128);
}

/**
 * Why a host, CIDR or endpoint address is in the built-in deny set (minus
 * `exceptions`), e.g. "169.254.169.254 is the cloud metadata endpoint";
 * undefined when it is not.
 * @public
 */
export function builtInDenial(destination: string, exceptions: readonly string[] = []): string | undefined {
  if (parseCidr(destination)) return rangeFinding(destination, BUILT_IN_DENY_SET, exceptions);
  const host = normalizeHost(destination).host;
  const match = names.find(n => !exceptions.includes(n.entry) && hostOverlapsPattern(host, n.entry));
  if (!match) return undefined;
  return host === match.entry || hostMatchesPattern(host, match.entry)
    ? `${host} is ${match.what}`
    : `${host} covers ${match.entry}, ${match.what}`;
}

/** Why a CIDR or address is (or contains) a private range; undefined when it is public. @public */
export function privateRange(destination: string): string | undefined {
  return rangeFinding(destination, PRIVATE_RANGES, []);
}
