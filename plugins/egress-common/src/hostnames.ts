/**
 * Host names: normalisation (trim, lowercase, one trailing dot dropped,
 * IDN to punycode) and the checks an external egress host must pass.
 *
 * IDN conversion uses the WHATWG URL parser, which exists in browsers and
 * Node alike, so the frontend preview and the backend agree byte for byte.
 */
import { isIpLiteral } from './addresses';

/** A problem with one host: a stable code and a sentence about the host. */
export interface HostProblem {
  code: string;
  text: string;
}

/** Longest host name DNS can carry (RFC 1035, without the trailing dot). */
export const MAX_HOST_LENGTH = 253;
/** Longest DNS label. */
export const MAX_LABEL_LENGTH = 63;

const ASCII_HOST_CHARS = /^[a-z0-9.*-]*$/;
// Characters that would make the URL parser read something other than a host.
const URL_DELIMITERS = /[\s/\\?#@:[\]%<>^|"'`{}]/;
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Normalises a host as typed: trims, lowercases, drops one trailing dot
 * (`example.com.` is the same name as `example.com`) and converts
 * internationalised names to punycode. Returns a problem when the text cannot
 * be a host name at all.
 */
export function normalizeHost(raw: string): { host: string; problem?: HostProblem } {
  let host = raw.trim().toLowerCase();
  if (host.endsWith('.') && host !== '.') host = host.slice(0, -1);
  // ASCII names skip the URL parser, except punycode labels, which it checks.
  if (ASCII_HOST_CHARS.test(host) && !host.includes('xn--')) return { host };
  if (isIpLiteral(host)) return { host };
  if (URL_DELIMITERS.test(host)) {
    return {
      host,
      problem: {
        code: 'host-bad-characters',
        text: `"${raw}" is not a host name (only letters, digits, '-' and '.' are allowed; no scheme, port or path)`,
      },
    };
  }
  const wildcard = host.startsWith('*.');
  const rest = wildcard ? host.slice(2) : host;
  let ascii: string;
  try {
    ascii = new URL(`http://${rest}/`).hostname;
  } catch {
    return {
      host,
      problem: {
        code: 'host-invalid-idn',
        text: `"${raw}" is not a valid internationalised domain name`,
      },
    };
  }
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1);
  return { host: wildcard ? `*.${ascii}` : ascii };
}

/** True for `*.example.com`. @public */
export function isWildcardHost(host: string): boolean {
  return host.startsWith('*.');
}

const INTERNAL_SUFFIXES = ['cluster.local', 'svc', 'localhost'];

/**
 * Checks a normalised host. Returns the first problem found, or undefined.
 * Stricter than Istio where Istio's acceptance is a trap (see the package
 * README): cluster-internal names, single labels, `*.tld` wildcards.
 */
export function checkHost(host: string): HostProblem | undefined {
  const quoted = `"${host}"`;
  if (host === '') return { code: 'host-empty', text: 'host is empty' };
  if (host === '*') {
    return {
      code: 'host-wildcard-only',
      text: `"*" would allow every host on the internet; name a domain such as "*.example.com"`,
    };
  }
  if (isIpLiteral(host)) {
    return {
      code: 'host-is-ip',
      text: `${quoted} is an IP address, not a host name; put IP ranges in addresses (as CIDRs)`,
    };
  }
  if (host.length > MAX_HOST_LENGTH) {
    return {
      code: 'host-too-long',
      text: `${quoted} is ${host.length} characters long; host names have at most ${MAX_HOST_LENGTH}`,
    };
  }
  const wildcard = host.startsWith('*.');
  const base = wildcard ? host.slice(2) : host;
  if (base.includes('*')) {
    return {
      code: 'host-bad-wildcard',
      text: `${quoted} has a wildcard that is not a whole left-most label; only "*.example.com" is allowed`,
    };
  }
  const labels = base.split('.');
  for (const label of labels) {
    if (label === '') {
      return {
        code: 'host-empty-label',
        text: `${quoted} has an empty label (two dots in a row, or a leading dot)`,
      };
    }
    if (label.length > MAX_LABEL_LENGTH) {
      return {
        code: 'host-label-too-long',
        text: `${quoted} has a label of ${label.length} characters; labels have at most ${MAX_LABEL_LENGTH}`,
      };
    }
    if (!LABEL.test(label)) {
      const bad = [...new Set(label.replace(/[a-z0-9-]/g, ''))].join('');
      if (bad !== '') {
        return {
          code: 'host-bad-characters',
          text: `${quoted} contains ${JSON.stringify(bad)}; only letters, digits, '-' and '.' are allowed`,
        };
      }
      return {
        code: 'host-bad-hyphen',
        text: `${quoted} has a label "${label}" that starts or ends with '-'`,
      };
    }
  }
  const top = labels[labels.length - 1];
  if (/^[0-9]+$/.test(top)) {
    return {
      code: 'host-numeric-tld',
      text: `${quoted} ends in an all-numeric label "${top}", which no top-level domain is`,
    };
  }
  const internal = INTERNAL_SUFFIXES.find(
    suffix => base === suffix || base.endsWith(`.${suffix}`),
  );
  if (internal) {
    return {
      code: 'host-internal',
      text: `${quoted} is a cluster-internal name (*.${internal}); egress requests are for external hosts`,
    };
  }
  if (!wildcard && labels.length === 1) {
    return {
      code: 'host-internal',
      text: `${quoted} is a single-label name, which resolves to an in-cluster service; use the fully qualified external name`,
    };
  }
  if (wildcard && labels.length < 2) {
    return {
      code: 'wildcard-too-broad',
      text: `${quoted} covers a whole top-level domain; wildcards need at least two labels after "*." (e.g. "*.example.com")`,
    };
  }
  return undefined;
}

/**
 * True when every name `host` stands for is also matched by `pattern`.
 * Patterns are `*` (everything), `*.example.com` (any depth below
 * example.com, not example.com itself) or an exact host.
 * @public
 */
export function hostMatchesPattern(host: string, pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return host === pattern;
}

/** True when `host` and `pattern` have at least one name in common. @public */
export function hostOverlapsPattern(host: string, pattern: string): boolean {
  if (hostMatchesPattern(host, pattern)) return true;
  // A wildcard request covers everything below it, including the pattern.
  return isWildcardHost(host) && hostMatchesPattern(pattern, host);
}
