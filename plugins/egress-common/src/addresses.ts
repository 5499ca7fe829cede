/**
 * IP address and CIDR parsing, strict in the way Go's `net/netip` (used by
 * Istio) is strict: no leading zeros in IPv4 octets, no zones, prefix lengths
 * within the family. Pure code, so it runs in the browser too.
 */

/** A parsed IP address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export interface ParsedIp {
  version: 4 | 6;
  bytes: number[];
}

/** A parsed CIDR block. */
export interface ParsedCidr extends ParsedIp {
  prefix: number;
}

// Up to three decimal digits, no leading zero: an IPv4 octet or a prefix length.
const DECIMAL_NUMBER = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses dotted-quad IPv4, rejecting leading zeros and out-of-range octets. */
export function parseIPv4(text: string): ParsedIp | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!DECIMAL_NUMBER.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return { version: 4, bytes };
}

/** Parses IPv6 text (with `::` compression and an optional trailing dotted IPv4). */
export function parseIPv6(text: string): ParsedIp | undefined {
  if (!text.includes(':') || text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (!v4) return undefined;
        groups.push((v4.bytes[0] << 8) | v4.bytes[1], (v4.bytes[2] << 8) | v4.bytes[3]);
      } else if (HEX_GROUP.test(piece)) {
        groups.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = toGroups(halves[0]);
  const tail = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  // A dotted IPv4 part may only end the address.
  if (halves.length === 2 && halves[0].includes('.')) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...new Array(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return { version: 6, bytes };
}

/** Parses an IPv4 or IPv6 address (no brackets, no zone). */
export function parseIp(text: string): ParsedIp | undefined {
  return parseIPv4(text) ?? parseIPv6(text);
}

/** Formats an address in canonical form (RFC 5952 for IPv6). */
export function formatIp(ip: ParsedIp): string {
  if (ip.version === 4) return ip.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip.bytes[i] << 8) | ip.bytes[i + 1]);
  // Longest run of two or more zero groups becomes '::' (the first on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map(g => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** Parses `ip/prefix`; a bare address counts as a single-address block. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.split('/');
  if (slash.length > 2) return undefined;
  const ip = parseIp(slash[0]);
  if (!ip) return undefined;
  const max = ip.version === 4 ? 32 : 128;
  if (slash.length === 1) return { ...ip, prefix: max };
  if (!DECIMAL_NUMBER.test(slash[1])) return undefined;
  const prefix = Number(slash[1]);
  if (prefix > max) return undefined;
  return { ...ip, prefix };
}

/** True when bits beyond the prefix are set (e.g. `10.1.2.3/8`). */
export function cidrHasHostBits(cidr: ParsedCidr): boolean {
  const network = cidrNetwork(cidr).bytes;
  return cidr.bytes.some((byte, i) => byte !== network[i]);
}

/** The block's network address with the host bits cleared. */
export function cidrNetwork(cidr: ParsedCidr): ParsedCidr {
  const bytes = cidr.bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, cidr.prefix - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    return byte & mask;
  });
  return { ...cidr, bytes };
}

/** Canonical `ip/prefix` text. */
export function formatCidr(cidr: ParsedCidr): string {
  return `${formatIp(cidr)}/${cidr.prefix}`;
}

/** True for text that is an IP literal, bracketed or not. */
export function isIpLiteral(text: string): boolean {
  const unbracketed =
    text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return parseIp(unbracketed) !== undefined;
}
