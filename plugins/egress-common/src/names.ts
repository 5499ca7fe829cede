/**
 * Deterministic Kubernetes names for rendered resources. Pure code (no
 * node:crypto) so the browser preview names resources exactly as the backend.
 */

const encoder = new TextEncoder();

/**
 * 32-bit FNV-1a of the UTF-8 bytes of `text`, as 8 hex digits. Not a
 * cryptographic hash: it only keeps names short, stable and unlikely to clash.
 * @public
 */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * 64-bit FNV-1a of the UTF-8 bytes of `text`, as 16 hex digits.
 * @public
 */
export function fnv1a64(text: string): string {
  // The 64-bit state as two unsigned 32-bit halves: BigInt arithmetic per byte made the
  // drift hashes of the entity view cost milliseconds. The prime is 2^40 + 0x1b3, so
  // hash * prime = hash * 0x1b3 + (lo << 40): the products stay below 2^53 and are exact.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of encoder.encode(text)) {
    lo = (lo ^ byte) >>> 0;
    const low = lo * 0x1b3;
    hi = (hi * 0x1b3 + Math.floor(low / 0x100000000) + ((lo << 8) >>> 0)) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Longest Kubernetes name we produce: a DNS-1123 label. @public */
export const MAX_RESOURCE_NAME_LENGTH = 63;

const HASH_LENGTH = 8;

/**
 * The name of the resources rendered for one destination of one request:
 * a readable slug of the destination plus a hash of destination and request
 * id, e.g. `edition-cnn-com-5d1f0c2a`. Always a DNS-1123 label of at most 63
 * characters. The hash is always there (not only when truncating) because
 * slug and id alone can clash: host `a-b` with id `c` and host `a` with id
 * `b-c` would both read `a-b-c`.
 * @public
 */
export function resourceName(destination: string, requestId: string): string {
  const slug =
    destination
      .toLowerCase()
      .replace(/\*/g, 'wildcard')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'egress';
  const room = MAX_RESOURCE_NAME_LENGTH - HASH_LENGTH - 1;
  const head = slug.slice(0, room).replace(/-+$/g, '');
  return `${head}-${fnv1a32(`${destination}\n${requestId}`)}`;
}

/** True for a DNS-1123 label (what Gateway names and subset names must be). @public */
export function isDns1123Label(name: string): boolean {
  return (
    name.length <= MAX_RESOURCE_NAME_LENGTH &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)
  );
}
