/**
 * The one validator of egress request drafts, used by the request form (live)
 * and by the backend (preview and create), so both reject the same inputs
 * with the same messages.
 *
 * It rejects at least what Istio rejects for the rendered resources (CRD
 * CEL rules and istioctl's validation) and, on top, the known egress traps
 * (see the package README for the list and the reasons).
 */
import {
  cidrHasHostBits,
  cidrNetwork,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
} from './addresses';
import { checkHost, isWildcardHost, normalizeHost } from './hostnames';
import {
  EgressEndpoint,
  EgressPort,
  NormalizedDraft,
  Protocol,
  PROTOCOLS,
  Resolution,
  RESOLUTIONS,
} from './model';
import { isDns1123Label } from './names';
import { LONG_EXPIRY_DAYS } from './risk';
import { egressRequestDraftSchema } from './schema';

/**
 * One problem (or warning) with one field. `message` always starts with the
 * path: `ports[1].number: 70000 is not a port (1-65535)`.
 * @public
 */
export interface FieldIssue {
  /** Where: `hosts[0]`, `ports[1].number`, `expiresAt`. */
  path: string;
  /** Human-readable, prefixed with the path. */
  message: string;
  /** Stable machine code, e.g. `port-out-of-range`. */
  code: string;
}

/** Outcome of {@link validateDraft}. @public */
export interface DraftValidationResult {
  valid: boolean;
  errors: FieldIssue[];
  warnings: FieldIssue[];
  /** The normalised draft; only meaningful when `valid`. */
  draft: NormalizedDraft;
}

/** Options of {@link validateDraft}. @public */
export interface ValidateDraftOptions {
  /** The current time, for expiry checks; defaults to the real clock. */
  now?: Date;
  /** Names of the configured clusters; when given, others are rejected. */
  knownClusters?: readonly string[];
  /** Whether an empty justification is an error (default true; policy can relax it). */
  requireJustification?: boolean;
}

/** Limits of a single request (Istio allows more; these keep requests reviewable). @public */
export const DRAFT_LIMITS = {
  maxHosts: 32,
  maxAddresses: 32,
  maxPorts: 16,
  maxEndpoints: 64,
  maxClusters: 32,
  minJustificationLength: 10,
  maxJustificationLength: 2000,
  /** Broadest prefixes accepted; a wider range is not a destination but a part of the internet. */
  minIPv4Prefix: 8,
  minIPv6Prefix: 16,
  /** Expiry further out than this many days is flagged. */
  longExpiryDays: LONG_EXPIRY_DAYS,
} as const;

/**
 * Form of a client-chosen request id: a UUID in lowercase, as
 * `crypto.randomUUID()` makes it. Lowercase only, because the id is part of
 * resource names and labels, where `A` and `a` would render differently.
 * @public
 */
export const REQUEST_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `value` is a valid request id ({@link REQUEST_ID_PATTERN}). @public */
export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
const CLUSTER_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const ENTITY_NAME = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ENTITY_KINDS = ['component', 'resource'];
const DAY_MS = 24 * 60 * 60 * 1000;

class Issues {
  readonly errors: FieldIssue[] = [];
  readonly warnings: FieldIssue[] = [];
  error(path: string, code: string, text: string) {
    this.errors.push({ path, code, message: `${path}: ${text}` });
  }
  warn(path: string, code: string, text: string) {
    this.warnings.push({ path, code, message: `${path}: ${text}` });
  }
  hasErrorAt(prefix: string): boolean {
    return this.errors.some(e => e.path === prefix || e.path.startsWith(`${prefix}[`) || e.path.startsWith(`${prefix}.`));
  }
}

function pathOf(parts: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out || 'draft';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value}`;
}

/** Checks types and unknown fields field by field, so one bad field does not hide the others. */
function checkShape(input: unknown, issues: Issues): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issues.error('draft', 'invalid-type', `expected an object, got ${describe(input)}`);
    return {};
  }
  const record = input as Record<string, unknown>;
  const shape = egressRequestDraftSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ path: (string | number)[]; code: string; message: string; expected?: unknown; keys?: string[] }> } } }>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (!(key in shape)) {
      issues.error(key, 'unknown-field', 'is not a field of an egress request');
    }
  }
  for (const [key, schema] of Object.entries(shape)) {
    const value = record[key];
    const result = schema.safeParse(value);
    if (result.success) {
      if (value !== undefined) out[key] = value;
      continue;
    }
    for (const zi of result.error?.issues ?? []) {
      const path = pathOf([key, ...zi.path]);
      if (zi.code === 'unrecognized_keys') {
        for (const k of zi.keys ?? []) {
          issues.error(`${path}.${k}`, 'unknown-field', 'is not a known field');
        }
      } else if (zi.code === 'invalid_type') {
        const actual = valueAt(value, zi.path);
        if (actual === undefined) issues.error(path, 'required', 'is required');
        else issues.error(path, 'invalid-type', `expected ${String(zi.expected)}, got ${describe(actual)}`);
      } else {
        issues.error(path, 'invalid', zi.message);
      }
    }
  }
  return out;
}

function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current: unknown = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

function normalizeEntityRef(raw: string, issues: Issues): string {
  const ref = raw.trim().toLowerCase();
  const match = /^([^:/]+):(?:([^:/]+)\/)?([^:/]+)$/.exec(ref);
  if (!match) {
    issues.error('entityRef', 'entity-ref-invalid', `"${raw}" is not an entity reference of the form kind:namespace/name`);
    return ref;
  }
  const [, kind, namespace = 'default', name] = match;
  if (!ENTITY_KINDS.includes(kind)) {
    issues.error('entityRef', 'entity-ref-kind', `"${raw}" is a ${kind}; egress is requested for a component or a resource`);
  } else if (!ENTITY_NAME.test(namespace) || !ENTITY_NAME.test(name) || name.length > 63 || namespace.length > 63) {
    issues.error('entityRef', 'entity-ref-invalid', `"${raw}" is not an entity reference of the form kind:namespace/name`);
  }
  return `${kind}:${namespace}/${name}`;
}

function normalizeProtocol(raw: string): string {
  return raw.trim().toUpperCase();
}

function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

function parseIsoInstant(text: string): Date | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const calendar = new Date(Date.UTC(y, mo - 1, d));
  if (calendar.getUTCMonth() !== mo - 1 || calendar.getUTCDate() !== d) return undefined;
  if (h > 23 || mi > 59 || (m[6] !== undefined && s > 59)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Validates and normalises an egress request draft. Pure: the clock comes
 * from `options.now`.
 * @public
 */
export function validateDraft(
  input: unknown,
  options: ValidateDraftOptions = {},
): DraftValidationResult {
  const now = options.now ?? new Date();
  const issues = new Issues();
  const raw = checkShape(input, issues);

  const draft: NormalizedDraft = {
    entityRef: '',
    namespace: '',
    clusters: [],
    hosts: [],
    addresses: [],
    ports: [],
    resolution: 'DNS',
    endpoints: [],
    viaEgressGateway: raw.viaEgressGateway === true,
    justification: '',
    lockdownNamespace: raw.lockdownNamespace === true,
    namespaceNetworkPolicy: raw.namespaceNetworkPolicy === true,
    ...(raw.gatewayMode === 'passthrough' || raw.gatewayMode === 'mutual' ? { gatewayMode: raw.gatewayMode } : {}),
  };

  if (raw.id !== undefined && !isRequestId(raw.id)) {
    issues.error('id', 'id-invalid', `"${raw.id}" is not a lowercase UUID (as crypto.randomUUID() makes)`);
  }

  // entityRef and namespace
  if (typeof raw.entityRef === 'string') draft.entityRef = normalizeEntityRef(raw.entityRef, issues);
  if (typeof raw.namespace === 'string') {
    draft.namespace = raw.namespace.trim();
    if (draft.namespace === '') {
      issues.error('namespace', 'namespace-invalid', 'is empty');
    } else if (!isDns1123Label(draft.namespace)) {
      issues.error('namespace', 'namespace-invalid', `"${raw.namespace}" is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)`);
    }
  }

  // clusters
  if (Array.isArray(raw.clusters)) {
    const clusters = (raw.clusters as string[]).map(c => c.trim());
    draft.clusters = clusters;
    if (clusters.length === 0) issues.error('clusters', 'clusters-empty', 'choose at least one cluster');
    if (clusters.length > DRAFT_LIMITS.maxClusters) {
      issues.error('clusters', 'clusters-too-many', `${clusters.length} clusters; at most ${DRAFT_LIMITS.maxClusters}`);
    }
    const seen = new Set<string>();
    clusters.forEach((cluster, i) => {
      const path = `clusters[${i}]`;
      if (cluster === '' || cluster.length > 63 || !CLUSTER_NAME.test(cluster)) {
        issues.error(path, 'cluster-invalid', `"${cluster}" is not a cluster name`);
      } else if (seen.has(cluster)) {
        issues.error(path, 'cluster-duplicate', `"${cluster}" is listed twice`);
      } else if (options.knownClusters && !options.knownClusters.includes(cluster)) {
        issues.error(path, 'cluster-unknown', `"${cluster}" is not a configured cluster`);
      }
      seen.add(cluster);
    });
  }

  // hosts
  const rawHosts = Array.isArray(raw.hosts) ? (raw.hosts as string[]) : [];
  const hostSeen = new Map<string, number>();
  draft.hosts = rawHosts.map((text, i) => {
    const path = `hosts[${i}]`;
    const { host, problem } = normalizeHost(text);
    const found = problem ?? checkHost(host);
    if (found) {
      issues.error(path, found.code, found.text);
    } else if (hostSeen.has(host)) {
      issues.error(path, 'host-duplicate', `"${host}" is the same host as hosts[${hostSeen.get(host)}]`);
    }
    if (!hostSeen.has(host)) hostSeen.set(host, i);
    return host;
  });
  if (rawHosts.length > DRAFT_LIMITS.maxHosts) {
    issues.error('hosts', 'hosts-too-many', `${rawHosts.length} hosts; at most ${DRAFT_LIMITS.maxHosts} per request`);
  }

  // addresses
  const rawAddresses = Array.isArray(raw.addresses) ? (raw.addresses as string[]) : [];
  const addressSeen = new Map<string, number>();
  draft.addresses = rawAddresses.map((text, i) => {
    const path = `addresses[${i}]`;
    const trimmed = text.trim().toLowerCase();
    const cidr = parseCidr(trimmed);
    if (!cidr) {
      issues.error(path, 'address-invalid', `"${text}" is not an IP range in CIDR notation (e.g. 203.0.113.0/24 or 2001:db8::/48)`);
      return trimmed;
    }
    const normalized = formatCidr(cidr);
    if (cidrHasHostBits(cidr)) {
      issues.error(path, 'cidr-host-bits', `"${text}" has bits set beyond the /${cidr.prefix} prefix; did you mean ${formatCidr(cidrNetwork(cidr))}?`);
    } else if (cidr.prefix < (cidr.version === 4 ? DRAFT_LIMITS.minIPv4Prefix : DRAFT_LIMITS.minIPv6Prefix)) {
      issues.error(path, 'cidr-too-broad', `"${text}" is broader than /${cidr.version === 4 ? DRAFT_LIMITS.minIPv4Prefix : DRAFT_LIMITS.minIPv6Prefix}; that is not a destination but a large part of the internet`);
    } else if (addressSeen.has(normalized)) {
      issues.error(path, 'address-duplicate', `"${text}" is the same range as addresses[${addressSeen.get(normalized)}]`);
    }
    if (!addressSeen.has(normalized)) addressSeen.set(normalized, i);
    return normalized;
  });
  if (rawAddresses.length > DRAFT_LIMITS.maxAddresses) {
    issues.error('addresses', 'addresses-too-many', `${rawAddresses.length} ranges; at most ${DRAFT_LIMITS.maxAddresses} per request`);
  }

  // A field with a type error was already reported; do not also call it missing.
  const hostsUsable = Array.isArray(raw.hosts) || !issues.hasErrorAt('hosts');
  const addressesUsable = Array.isArray(raw.addresses) || !issues.hasErrorAt('addresses');
  if (hostsUsable && addressesUsable && draft.hosts.length === 0 && draft.addresses.length === 0) {
    issues.error('hosts', 'destination-required', 'give at least one host (or IP ranges in addresses)');
  }
  if (draft.hosts.length > 0 && draft.addresses.length > 0) {
    issues.error('addresses', 'hosts-and-addresses', 'give hosts or addresses, not both; request IP ranges separately');
  }

  // ports
  if (Array.isArray(raw.ports)) {
    const ports = raw.ports as Array<{ number: number; protocol: string }>;
    if (ports.length === 0) issues.error('ports', 'ports-empty', 'give at least one port');
    if (ports.length > DRAFT_LIMITS.maxPorts) {
      issues.error('ports', 'ports-too-many', `${ports.length} ports; at most ${DRAFT_LIMITS.maxPorts} per request`);
    }
    const numbers = new Map<number, number>();
    draft.ports = ports.map((port, i) => {
      const protocol = normalizeProtocol(port.protocol);
      if (!isProtocol(protocol)) {
        issues.error(`ports[${i}].protocol`, 'protocol-unknown', `"${port.protocol}" is not a supported protocol (${PROTOCOLS.join(', ')})`);
      }
      const n = port.number;
      if (!Number.isInteger(n)) {
        issues.error(`ports[${i}].number`, 'port-not-integer', `${n} is not a whole number`);
      } else if (n < 1 || n > 65535) {
        issues.error(`ports[${i}].number`, 'port-out-of-range', `${n} is not a port (1-65535)`);
      } else if (numbers.has(n)) {
        issues.error(`ports[${i}].number`, 'port-duplicate', `port ${n} is already listed as ports[${numbers.get(n)}]; one protocol per port`);
      }
      if (!numbers.has(n)) numbers.set(n, i);
      return { number: n, protocol: protocol as Protocol } satisfies EgressPort;
    });
  }

  // resolution
  const wildcardIndex = draft.hosts.findIndex(isWildcardHost);
  const hasWildcard = wildcardIndex >= 0;
  const hasAddresses = draft.addresses.length > 0;
  let explicitResolution: Resolution | undefined;
  if (typeof raw.resolution === 'string') {
    const value = raw.resolution.trim().toUpperCase();
    if ((RESOLUTIONS as readonly string[]).includes(value)) {
      explicitResolution = value as Resolution;
    } else {
      issues.error('resolution', 'resolution-unknown', `"${raw.resolution}" is not a resolution (${RESOLUTIONS.join(', ')})`);
    }
  }
  draft.resolution = explicitResolution ?? (hasWildcard || hasAddresses ? 'NONE' : 'DNS');
  const resolution = draft.resolution;

  if (resolution === 'DNS' && hasWildcard) {
    issues.error(`hosts[${wildcardIndex}]`, 'wildcard-with-dns', `"${draft.hosts[wildcardIndex]}" is a wildcard, which DNS resolution cannot resolve; use resolution NONE`);
  }
  if (resolution === 'STATIC' && hasWildcard) {
    issues.error(`hosts[${wildcardIndex}]`, 'wildcard-with-static', `"${draft.hosts[wildcardIndex]}" is a wildcard; fixed endpoints cannot stand for every host under it; use resolution NONE`);
  }
  if (resolution === 'DNS' && hasAddresses) {
    issues.error('resolution', 'cidr-with-dns', 'IP ranges (addresses) are allowed only with resolution NONE or STATIC, not DNS');
  }

  // endpoints
  const rawEndpoints = Array.isArray(raw.endpoints) ? (raw.endpoints as EgressEndpoint[]) : [];
  if (resolution === 'STATIC') {
    if (rawEndpoints.length === 0 && !issues.hasErrorAt('endpoints')) {
      issues.error('endpoints', 'endpoints-required', 'resolution STATIC needs at least one endpoint IP address');
    }
    if (rawEndpoints.length > DRAFT_LIMITS.maxEndpoints) {
      issues.error('endpoints', 'endpoints-too-many', `${rawEndpoints.length} endpoints; at most ${DRAFT_LIMITS.maxEndpoints}`);
    }
    const seen = new Map<string, number>();
    draft.endpoints = rawEndpoints.map((endpoint, i) => {
      const path = `endpoints[${i}].address`;
      const text = endpoint.address.trim().toLowerCase();
      const ip = parseIp(text);
      if (!ip) {
        issues.error(path, 'endpoint-not-ip', `"${endpoint.address}" is not an IP address; STATIC endpoints are IP addresses`);
        return { address: text };
      }
      const address = formatIp(ip);
      if (seen.has(address)) {
        issues.error(path, 'endpoint-duplicate', `"${endpoint.address}" is already listed as endpoints[${seen.get(address)}]`);
      }
      if (!seen.has(address)) seen.set(address, i);
      return { address };
    });
  } else if (rawEndpoints.length > 0) {
    issues.error('endpoints', 'endpoints-not-allowed', `endpoints are only used with resolution STATIC, not ${resolution}`);
  }

  // protocol/resolution interplay
  const tcpIndex = draft.ports.findIndex(p => p.protocol === 'TCP');
  if (tcpIndex >= 0) {
    const path = `ports[${tcpIndex}].protocol`;
    if (!hasAddresses && resolution === 'NONE') {
      issues.error(path, 'tcp-without-addresses', `TCP port ${draft.ports[tcpIndex].number} with resolution NONE and no addresses would open 0.0.0.0:${draft.ports[tcpIndex].number} to every IP; give addresses (CIDRs) or use DNS resolution`);
    } else if (!hasAddresses && draft.hosts.length > 1) {
      issues.error(path, 'multiple-hosts-tcp', `TCP cannot tell ${draft.hosts.length} hosts apart on port ${draft.ports[tcpIndex].number} (no Host header or SNI); request one host per TCP request`);
    } else if (!hasAddresses) {
      issues.warn(path, 'tcp-shares-port', `TCP port ${draft.ports[tcpIndex].number} without addresses captures every connection on that port in the namespace unless Istio's DNS proxy allocates an address`);
    }
  }

  // egress gateway
  if (draft.viaEgressGateway) {
    if (hasAddresses) {
      issues.error('viaEgressGateway', 'gateway-addresses', 'the egress gateway routes by host name (SNI or Host header); IP ranges cannot go through it');
    } else if (hasWildcard) {
      issues.error('viaEgressGateway', 'gateway-wildcard', `"${draft.hosts[wildcardIndex]}" is a wildcard; the gateway would need resolution NONE and route traffic back to itself; send wildcards directly`);
    } else if (resolution === 'NONE') {
      issues.error('resolution', 'gateway-none-resolution', 'resolution NONE through the egress gateway forwards to the original destination, which is the gateway again (a routing loop); use DNS or STATIC');
    }
    draft.ports.forEach((port, i) => {
      if (!isProtocol(port.protocol) || !Number.isInteger(port.number)) return;
      if (port.protocol === 'TLS' || port.protocol === 'HTTPS') {
        if (port.number !== 443) {
          issues.error(`ports[${i}].number`, 'gateway-port', `the egress gateway passes TLS through on port 443 only; ${port.number} needs viaEgressGateway false`);
        }
      } else if (port.protocol === 'HTTP') {
        if (port.number !== 80) {
          issues.error(`ports[${i}].number`, 'gateway-port', `the egress gateway routes plain HTTP on port 80 only; ${port.number} needs viaEgressGateway false`);
        }
      } else {
        issues.error(`ports[${i}].protocol`, 'gateway-protocol', `${port.protocol} cannot be routed through the egress gateway (only TLS/HTTPS passthrough on 443 and HTTP on 80); use viaEgressGateway false`);
      }
    });
  }

  // justification
  if (typeof raw.justification === 'string') {
    draft.justification = raw.justification.trim();
    const length = draft.justification.length;
    if (length === 0) {
      if (options.requireJustification !== false) {
        issues.error('justification', 'justification-required', 'say why the workloads need this access');
      }
    } else if (length < DRAFT_LIMITS.minJustificationLength) {
      issues.error('justification', 'justification-too-short', `${length} characters; write at least ${DRAFT_LIMITS.minJustificationLength} so an approver can judge the request`);
    } else if (length > DRAFT_LIMITS.maxJustificationLength) {
      issues.error('justification', 'justification-too-long', `${length} characters; at most ${DRAFT_LIMITS.maxJustificationLength}`);
    }
  }

  // expiry
  if (typeof raw.expiresAt === 'string') {
    const date = parseIsoInstant(raw.expiresAt.trim());
    if (!date) {
      issues.error('expiresAt', 'expiry-invalid', `"${raw.expiresAt}" is not an ISO-8601 date and time with a zone (e.g. 2030-01-31T00:00:00Z)`);
    } else {
      draft.expiresAt = date.toISOString();
      if (date.getTime() <= now.getTime()) {
        issues.error('expiresAt', 'expiry-in-past', `${draft.expiresAt} is not in the future`);
      } else if (date.getTime() - now.getTime() > DRAFT_LIMITS.longExpiryDays * DAY_MS) {
        issues.warn('expiresAt', 'long-expiry', `access lasts more than ${DRAFT_LIMITS.longExpiryDays} days; prefer shorter grants`);
      }
    }
  } else if (!issues.hasErrorAt('expiresAt')) {
    issues.warn('expiresAt', 'no-expiry', 'no expiry: access stays until revoked');
  }

  // warnings on what is allowed but risky
  draft.ports.forEach((port, i) => {
    if (port.protocol === 'HTTP') {
      issues.warn(`ports[${i}].protocol`, 'plain-http', `HTTP on port ${port.number} is unencrypted`);
    }
    if (port.protocol === 'TCP') {
      issues.warn(`ports[${i}].protocol`, 'plain-tcp', `TCP on port ${port.number} is opaque to the mesh (no host name, no TLS check)`);
    }
  });
  draft.hosts.forEach((host, i) => {
    if (isWildcardHost(host)) {
      issues.warn(`hosts[${i}]`, 'wildcard-host', `"${host}" allows every host under ${host.slice(2)}`);
    }
  });
  draft.addresses.forEach((address, i) => {
    issues.warn(`addresses[${i}]`, 'cidr', `${address} allows every IP in the range`);
  });
  if (!draft.viaEgressGateway) {
    issues.warn('viaEgressGateway', 'no-gateway', 'traffic leaves from the workload nodes directly, not through the egress gateway');
  }
  if (draft.namespaceNetworkPolicy && !draft.viaEgressGateway) {
    issues.error('namespaceNetworkPolicy', 'network-policy-blocks-direct', 'the NetworkPolicy lets pods reach only istiod, the egress gateway and cluster DNS, so direct access would be blocked; route through the egress gateway');
  }
  if (draft.gatewayMode !== undefined && !draft.viaEgressGateway) {
    issues.error('gatewayMode', 'gateway-mode-without-gateway', 'a gateway mode applies only to traffic routed through the egress gateway; route through it or leave the mode unset');
  }

  return {
    valid: issues.errors.length === 0,
    errors: issues.errors,
    warnings: issues.warnings,
    draft,
  };
}
