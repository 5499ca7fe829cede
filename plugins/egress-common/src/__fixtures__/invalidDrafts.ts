/**
 * A corpus of invalid egress request drafts, each with the specific error the
 * validator must report. Test-only (not exported from the package index):
 * the integration test applies the cases expressible as Istio manifests to a
 * real API server and istioctl to show we reject at least what they reject.
 */
import type { ValidateDraftOptions } from '../validation';

/**
 * What Istio itself does with the manifests the draft would render to (as
 * rendered by __testUtils__/renderUnchecked.ts). Checked against a real API server
 * and istioctl by istio-agreement.integration.test.ts.
 */
export type IstioOpinion =
  /** The CRD schema/CEL rules or istioctl validate reject it. */
  | 'rejects'
  /** Istio accepts it (possibly with a warning); we reject it on purpose. */
  | 'accepts'
  /** Not expressible as a manifest (people, justification, expiry, clusters). */
  | 'n/a';

/** One invalid draft and the error we expect. */
export interface InvalidDraftCase {
  name: string;
  draft: unknown;
  options?: ValidateDraftOptions;
  expected: { code: string; path: string; message: string };
  istio: IstioOpinion;
}

/** Clock of the corpus. */
export const CORPUS_NOW = new Date('2030-01-01T00:00:00Z');

/** A valid draft every case starts from. */
export const validBase = {
  entityRef: 'component:default/payments-api',
  namespace: 'payments',
  clusters: ['demo'],
  hosts: ['api.example.com'],
  ports: [{ number: 443, protocol: 'HTTPS' }],
  viaEgressGateway: false,
  justification: 'Partner API for fraud scoring',
  expiresAt: '2030-01-15T00:00:00Z',
};

const with_ = (patch: Record<string, unknown>) => ({ ...validBase, ...patch });
const without = (key: keyof typeof validBase) => {
  const copy: Record<string, unknown> = { ...validBase };
  delete copy[key];
  return copy;
};
const hostCase = (
  name: string,
  host: string,
  code: string,
  message: string,
  istio: IstioOpinion,
  patch: Record<string, unknown> = {},
): InvalidDraftCase => ({
  name,
  draft: with_({ hosts: [host], ...patch }),
  expected: { code, path: 'hosts[0]', message },
  istio,
});
const addressCase = (
  name: string,
  address: string,
  code: string,
  message: string,
  istio: IstioOpinion,
): InvalidDraftCase => ({
  name,
  draft: with_({ hosts: undefined, addresses: [address], ports: [{ number: 5432, protocol: 'TCP' }], resolution: 'NONE' }),
  expected: { code, path: 'addresses[0]', message },
  istio,
});
const portCase = (
  name: string,
  ports: unknown[],
  code: string,
  path: string,
  message: string,
  istio: IstioOpinion,
  patch: Record<string, unknown> = {},
): InvalidDraftCase => ({
  name,
  draft: with_({ ports, ...patch }),
  expected: { code, path, message },
  istio,
});

const longLabel = 'a'.repeat(64);
const label60 = 'abcdefghij'.repeat(6);
const longHost = `${`${label60}.`.repeat(4)}${'x'.repeat(10)}.com`; // 258 chars
const manyHosts = Array.from({ length: 33 }, (_, i) => `h${i}.example.com`);
const manyAddresses = Array.from({ length: 33 }, (_, i) => `198.51.${i}.0/24`);
const manyPorts = Array.from({ length: 17 }, (_, i) => ({ number: 8000 + i, protocol: 'HTTPS' }));
const manyEndpoints = Array.from({ length: 65 }, (_, i) => ({ address: `198.51.100.${i + 1}` }));

export const invalidDrafts: InvalidDraftCase[] = [
  // --- shape -------------------------------------------------------------
  { name: 'null draft', draft: null, expected: { code: 'invalid-type', path: 'draft', message: 'expected an object, got null' }, istio: 'n/a' },
  { name: 'array draft', draft: [validBase], expected: { code: 'invalid-type', path: 'draft', message: 'got an array' }, istio: 'n/a' },
  { name: 'string draft', draft: 'api.example.com', expected: { code: 'invalid-type', path: 'draft', message: 'got string' }, istio: 'n/a' },
  { name: 'missing entityRef', draft: without('entityRef'), expected: { code: 'required', path: 'entityRef', message: 'entityRef: is required' }, istio: 'n/a' },
  { name: 'missing namespace', draft: without('namespace'), expected: { code: 'required', path: 'namespace', message: 'namespace: is required' }, istio: 'n/a' },
  { name: 'missing clusters', draft: without('clusters'), expected: { code: 'required', path: 'clusters', message: 'clusters: is required' }, istio: 'n/a' },
  { name: 'missing ports', draft: without('ports'), expected: { code: 'required', path: 'ports', message: 'ports: is required' }, istio: 'n/a' },
  { name: 'missing viaEgressGateway', draft: without('viaEgressGateway'), expected: { code: 'required', path: 'viaEgressGateway', message: 'is required' }, istio: 'n/a' },
  { name: 'missing justification', draft: without('justification'), expected: { code: 'required', path: 'justification', message: 'is required' }, istio: 'n/a' },
  { name: 'misspelt field host', draft: with_({ host: 'api.example.com' }), expected: { code: 'unknown-field', path: 'host', message: 'host: is not a field of an egress request' }, istio: 'n/a' },
  { name: 'port with a name field', draft: with_({ ports: [{ number: 443, protocol: 'HTTPS', name: 'https' }] }), expected: { code: 'unknown-field', path: 'ports[0].name', message: 'is not a known field' }, istio: 'n/a' },
  { name: 'port number as string', draft: with_({ ports: [{ number: '443', protocol: 'HTTPS' }] }), expected: { code: 'invalid-type', path: 'ports[0].number', message: 'expected number, got string' }, istio: 'rejects' },
  { name: 'hosts as a string', draft: with_({ hosts: 'api.example.com' }), expected: { code: 'invalid-type', path: 'hosts', message: 'expected array, got string' }, istio: 'rejects' },
  { name: 'viaEgressGateway as a string', draft: with_({ viaEgressGateway: 'yes' }), expected: { code: 'invalid-type', path: 'viaEgressGateway', message: 'expected boolean' }, istio: 'n/a' },
  { name: 'endpoint without address', draft: with_({ resolution: 'STATIC', endpoints: [{}] }), expected: { code: 'required', path: 'endpoints[0].address', message: 'endpoints[0].address: is required' }, istio: 'n/a' },
  { name: 'lockdownNamespace as a string', draft: with_({ lockdownNamespace: 'true' }), expected: { code: 'invalid-type', path: 'lockdownNamespace', message: 'expected boolean' }, istio: 'n/a' },
  { name: 'cluster as a number', draft: with_({ clusters: [1] }), expected: { code: 'invalid-type', path: 'clusters[0]', message: 'expected string, got number' }, istio: 'n/a' },

  // --- entityRef ---------------------------------------------------------
  { name: 'entityRef without kind', draft: with_({ entityRef: 'payments-api' }), expected: { code: 'entity-ref-invalid', path: 'entityRef', message: 'kind:namespace/name' }, istio: 'n/a' },
  { name: 'entityRef of a user', draft: with_({ entityRef: 'user:default/alice' }), expected: { code: 'entity-ref-kind', path: 'entityRef', message: 'component or a resource' }, istio: 'n/a' },
  { name: 'entityRef of a group', draft: with_({ entityRef: 'group:default/payments' }), expected: { code: 'entity-ref-kind', path: 'entityRef', message: 'is a group' }, istio: 'n/a' },
  { name: 'entityRef with empty name', draft: with_({ entityRef: 'component:default/' }), expected: { code: 'entity-ref-invalid', path: 'entityRef', message: 'not an entity reference' }, istio: 'n/a' },
  { name: 'entityRef with two slashes', draft: with_({ entityRef: 'component:a/b/c' }), expected: { code: 'entity-ref-invalid', path: 'entityRef', message: 'not an entity reference' }, istio: 'n/a' },
  { name: 'entityRef with a space', draft: with_({ entityRef: 'component:default/payments api' }), expected: { code: 'entity-ref-invalid', path: 'entityRef', message: 'not an entity reference' }, istio: 'n/a' },
  { name: 'empty entityRef', draft: with_({ entityRef: '' }), expected: { code: 'entity-ref-invalid', path: 'entityRef', message: 'not an entity reference' }, istio: 'n/a' },

  // --- namespace ---------------------------------------------------------
  { name: 'empty namespace', draft: with_({ namespace: ' ' }), expected: { code: 'namespace-invalid', path: 'namespace', message: 'namespace: is empty' }, istio: 'rejects' },
  { name: 'uppercase namespace', draft: with_({ namespace: 'Payments' }), expected: { code: 'namespace-invalid', path: 'namespace', message: 'not a Kubernetes namespace name' }, istio: 'rejects' },
  { name: 'namespace with underscore', draft: with_({ namespace: 'pay_ments' }), expected: { code: 'namespace-invalid', path: 'namespace', message: 'not a Kubernetes namespace name' }, istio: 'rejects' },
  { name: 'namespace of 64 characters', draft: with_({ namespace: 'n'.repeat(64) }), expected: { code: 'namespace-invalid', path: 'namespace', message: 'at most 63' }, istio: 'rejects' },
  { name: 'namespace with leading hyphen', draft: with_({ namespace: '-payments' }), expected: { code: 'namespace-invalid', path: 'namespace', message: 'not a Kubernetes namespace name' }, istio: 'rejects' },
  { name: 'namespace with a dot', draft: with_({ namespace: 'payments.team' }), expected: { code: 'namespace-invalid', path: 'namespace', message: 'not a Kubernetes namespace name' }, istio: 'rejects' },

  // --- clusters ----------------------------------------------------------
  { name: 'no clusters', draft: with_({ clusters: [] }), expected: { code: 'clusters-empty', path: 'clusters', message: 'clusters: choose at least one cluster' }, istio: 'n/a' },
  { name: 'duplicate cluster', draft: with_({ clusters: ['demo', 'demo'] }), expected: { code: 'cluster-duplicate', path: 'clusters[1]', message: '"demo" is listed twice' }, istio: 'n/a' },
  { name: 'empty cluster name', draft: with_({ clusters: [''] }), expected: { code: 'cluster-invalid', path: 'clusters[0]', message: 'not a cluster name' }, istio: 'n/a' },
  { name: 'cluster name with a space', draft: with_({ clusters: ['prod cluster'] }), expected: { code: 'cluster-invalid', path: 'clusters[0]', message: 'not a cluster name' }, istio: 'n/a' },
  { name: 'unknown cluster', draft: with_({ clusters: ['staging'] }), options: { knownClusters: ['demo'] }, expected: { code: 'cluster-unknown', path: 'clusters[0]', message: '"staging" is not a configured cluster' }, istio: 'n/a' },
  { name: 'too many clusters', draft: with_({ clusters: Array.from({ length: 33 }, (_, i) => `c${i}`) }), expected: { code: 'clusters-too-many', path: 'clusters', message: 'at most 32' }, istio: 'n/a' },

  // --- destination present ---------------------------------------------
  { name: 'neither hosts nor addresses', draft: without('hosts'), expected: { code: 'destination-required', path: 'hosts', message: 'give at least one host' }, istio: 'rejects' },
  { name: 'empty hosts and addresses', draft: with_({ hosts: [], addresses: [] }), expected: { code: 'destination-required', path: 'hosts', message: 'give at least one host' }, istio: 'rejects' },
  { name: 'hosts and addresses both', draft: with_({ addresses: ['203.0.113.0/24'], resolution: 'NONE' }), expected: { code: 'hosts-and-addresses', path: 'addresses', message: 'not both' }, istio: 'accepts' },
  { name: 'too many hosts', draft: with_({ hosts: manyHosts }), expected: { code: 'hosts-too-many', path: 'hosts', message: '33 hosts; at most 32' }, istio: 'accepts' },
  { name: 'too many addresses', draft: with_({ hosts: undefined, addresses: manyAddresses, resolution: 'NONE' }), expected: { code: 'addresses-too-many', path: 'addresses', message: 'at most 32' }, istio: 'accepts' },

  // --- hosts -------------------------------------------------------------
  hostCase('host *', '*', 'host-wildcard-only', '"*" would allow every host', 'rejects', { resolution: 'NONE' }),
  hostCase('empty host', '', 'host-empty', 'hosts[0]: host is empty', 'rejects'),
  hostCase('blank host', '   ', 'host-empty', 'host is empty', 'rejects'),
  hostCase('IPv4 literal host', '1.2.3.4', 'host-is-ip', 'is an IP address', 'rejects'),
  hostCase('IPv4 private literal host', '10.0.0.1', 'host-is-ip', 'put IP ranges in addresses', 'rejects'),
  hostCase('IPv6 loopback host', '::1', 'host-is-ip', 'is an IP address', 'rejects'),
  hostCase('bracketed IPv6 host', '[2001:db8::1]', 'host-is-ip', 'is an IP address', 'rejects'),
  hostCase('IPv6 host', '2001:db8::1', 'host-is-ip', 'is an IP address', 'rejects'),
  hostCase('fullwidth IPv4 host', '１.２.３.４', 'host-is-ip', '"1.2.3.4" is an IP address', 'rejects'),
  hostCase('double dot', 'example..com', 'host-empty-label', 'has an empty label', 'rejects'),
  hostCase('leading dot', '.example.com', 'host-empty-label', 'has an empty label', 'rejects'),
  hostCase('two trailing dots', 'example.com..', 'host-empty-label', 'has an empty label', 'rejects'),
  hostCase('zero-width space label', '\u200b.com', 'host-empty-label', 'has an empty label', 'rejects'),
  hostCase('label of 64 characters', `${longLabel}.example.com`, 'host-label-too-long', 'a label of 64 characters; labels have at most 63', 'rejects'),
  hostCase('host of 258 characters', longHost, 'host-too-long', 'is 258 characters long; host names have at most 253', 'rejects'),
  hostCase('underscore', 'exa_mple.com', 'host-bad-characters', 'contains "_"', 'rejects'),
  hostCase('URL instead of host', 'https://example.com', 'host-bad-characters', 'no scheme, port or path', 'rejects'),
  hostCase('host with port', 'example.com:443', 'host-bad-characters', 'no scheme, port or path', 'rejects'),
  hostCase('host with path', 'example.com/path', 'host-bad-characters', 'no scheme, port or path', 'rejects'),
  hostCase('host with user info', 'user@example.com', 'host-bad-characters', 'not a host name', 'rejects'),
  hostCase('host with space', 'ex ample.com', 'host-bad-characters', 'not a host name', 'rejects'),
  hostCase('host with percent escape', 'a%41.com', 'host-bad-characters', 'not a host name', 'rejects'),
  hostCase('leading hyphen', '-example.com', 'host-bad-hyphen', 'starts or ends with', 'rejects'),
  hostCase('trailing hyphen in label', 'example-.com', 'host-bad-hyphen', 'label "example-"', 'rejects'),
  hostCase('wildcard in the middle', 'foo.*.example.com', 'host-bad-wildcard', 'not a whole left-most label', 'rejects', { resolution: 'NONE' }),
  hostCase('partial wildcard prefix', '*example.com', 'host-bad-wildcard', 'not a whole left-most label', 'accepts', { resolution: 'NONE' }),
  hostCase('partial wildcard suffix', 'foo*.example.com', 'host-bad-wildcard', 'not a whole left-most label', 'rejects', { resolution: 'NONE' }),
  hostCase('double wildcard', '*.*.example.com', 'host-bad-wildcard', 'not a whole left-most label', 'rejects', { resolution: 'NONE' }),
  hostCase('invalid punycode label', 'xn--a.com', 'host-invalid-idn', 'not a valid internationalised domain name', 'accepts'),
  hostCase('NUL in an IDN', 'bücher\u0000.de', 'host-invalid-idn', 'not a valid internationalised domain name', 'rejects'),
  hostCase('single-label service name', 'payments-db', 'host-internal', 'single-label name', 'accepts'),
  hostCase('svc.cluster.local host', 'payments.prod.svc.cluster.local', 'host-internal', 'cluster-internal name (*.cluster.local)', 'accepts'),
  hostCase('cluster.local apex', 'cluster.local', 'host-internal', 'cluster-internal', 'accepts'),
  hostCase('.svc host', 'api.payments.svc', 'host-internal', 'cluster-internal name (*.svc)', 'accepts'),
  hostCase('kubernetes API service', 'kubernetes.default.svc', 'host-internal', 'cluster-internal', 'accepts'),
  hostCase('wildcard cluster.local', '*.cluster.local', 'host-internal', 'cluster-internal', 'accepts', { resolution: 'NONE' }),
  hostCase('wildcard svc.cluster.local', '*.svc.cluster.local', 'host-internal', 'cluster-internal', 'accepts', { resolution: 'NONE' }),
  hostCase('localhost', 'localhost', 'host-internal', 'cluster-internal name (*.localhost)', 'accepts'),
  hostCase('numeric top-level domain', 'example.123', 'host-numeric-tld', 'all-numeric label "123"', 'rejects'),
  hostCase('wildcard of a TLD', '*.com', 'wildcard-too-broad', 'covers a whole top-level domain', 'accepts', { resolution: 'NONE' }),
  {
    name: 'duplicate host after normalisation',
    draft: with_({ hosts: ['api.example.com', 'API.Example.com.'] }),
    expected: { code: 'host-duplicate', path: 'hosts[1]', message: 'same host as hosts[0]' },
    istio: 'accepts',
  },
  hostCase('wildcard with DNS resolution', '*.example.com', 'wildcard-with-dns', 'use resolution NONE', 'rejects', { resolution: 'DNS' }),
  hostCase('wildcard with STATIC resolution', '*.example.com', 'wildcard-with-static', 'use resolution NONE', 'accepts', { resolution: 'STATIC', endpoints: [{ address: '198.51.100.1' }] }),

  // --- addresses ---------------------------------------------------------
  addressCase('prefix beyond 32', '10.0.0.0/33', 'address-invalid', 'not an IP range in CIDR notation', 'rejects'),
  addressCase('octet beyond 255', '10.0.0.256/24', 'address-invalid', 'not an IP range', 'rejects'),
  addressCase('leading zero octet', '010.0.0.0/8', 'address-invalid', 'not an IP range', 'rejects'),
  addressCase('empty prefix', '10.0.0.0/', 'address-invalid', 'not an IP range', 'rejects'),
  addressCase('host name as address', 'example.com', 'address-invalid', 'not an IP range', 'rejects'),
  addressCase('IPv6 prefix beyond 128', '2001:db8::/129', 'address-invalid', 'not an IP range', 'rejects'),
  addressCase('IPv6 triple colon', '2001:db8:::1/64', 'address-invalid', 'not an IP range', 'rejects'),
  addressCase('IPv6 with zone', 'fe80::1%eth0/64', 'address-invalid', 'not an IP range', 'rejects'),
  addressCase('two slashes', '10.0.0.0/8/8', 'address-invalid', 'not an IP range', 'rejects'),
  addressCase('IPv4 host bits set', '10.1.2.3/8', 'cidr-host-bits', 'did you mean 10.0.0.0/8?', 'accepts'),
  addressCase('IPv6 host bits set', '2001:db8::1/32', 'cidr-host-bits', 'did you mean 2001:db8::/32?', 'accepts'),
  addressCase('everything IPv4', '0.0.0.0/0', 'cidr-too-broad', 'broader than /8', 'accepts'),
  addressCase('everything IPv6', '::/0', 'cidr-too-broad', 'broader than /16', 'accepts'),
  addressCase('IPv4 /4', '16.0.0.0/4', 'cidr-too-broad', 'broader than /8', 'accepts'),
  {
    name: 'duplicate address',
    draft: with_({ hosts: undefined, addresses: ['203.0.113.0/24', '203.0.113.0/24'], ports: [{ number: 5432, protocol: 'TCP' }], resolution: 'NONE' }),
    expected: { code: 'address-duplicate', path: 'addresses[1]', message: 'same range as addresses[0]' },
    istio: 'accepts',
  },
  {
    name: 'CIDR with DNS resolution',
    draft: with_({ hosts: undefined, addresses: ['203.0.113.0/24'], ports: [{ number: 5432, protocol: 'TCP' }], resolution: 'DNS' }),
    expected: { code: 'cidr-with-dns', path: 'resolution', message: 'only with resolution NONE or STATIC' },
    istio: 'rejects',
  },

  // --- ports -------------------------------------------------------------
  portCase('no ports', [], 'ports-empty', 'ports', 'give at least one port', 'accepts'),
  portCase('port 0', [{ number: 0, protocol: 'HTTPS' }], 'port-out-of-range', 'ports[0].number', 'ports[0].number: 0 is not a port (1-65535)', 'rejects'),
  portCase('port 70000', [{ number: 70000, protocol: 'HTTPS' }], 'port-out-of-range', 'ports[0].number', 'ports[0].number: 70000 is not a port (1-65535)', 'rejects'),
  portCase('port 65536 second', [{ number: 443, protocol: 'HTTPS' }, { number: 65536, protocol: 'TLS' }], 'port-out-of-range', 'ports[1].number', 'ports[1].number: 65536 is not a port', 'rejects'),
  portCase('negative port', [{ number: -1, protocol: 'HTTPS' }], 'port-out-of-range', 'ports[0].number', '-1 is not a port', 'rejects'),
  portCase('fractional port', [{ number: 443.5, protocol: 'HTTPS' }], 'port-not-integer', 'ports[0].number', '443.5 is not a whole number', 'rejects'),
  portCase('UDP', [{ number: 53, protocol: 'UDP' }], 'protocol-unknown', 'ports[0].protocol', '"UDP" is not a supported protocol', 'accepts'),
  portCase('MONGO', [{ number: 27017, protocol: 'MONGO' }], 'protocol-unknown', 'ports[0].protocol', 'not a supported protocol', 'accepts'),
  portCase('empty protocol', [{ number: 443, protocol: '' }], 'protocol-unknown', 'ports[0].protocol', 'not a supported protocol', 'accepts'),
  portCase('made-up protocol', [{ number: 443, protocol: 'QUIC' }], 'protocol-unknown', 'ports[0].protocol', 'not a supported protocol', 'rejects'),
  portCase('duplicate port', [{ number: 443, protocol: 'HTTPS' }, { number: 443, protocol: 'HTTPS' }], 'port-duplicate', 'ports[1].number', 'port 443 is already listed as ports[0]', 'rejects'),
  portCase('same port two protocols', [{ number: 443, protocol: 'HTTPS' }, { number: 443, protocol: 'TLS' }], 'port-duplicate', 'ports[1].number', 'one protocol per port', 'rejects'),
  portCase('too many ports', manyPorts, 'ports-too-many', 'ports', '17 ports; at most 16', 'accepts'),

  // --- resolution and endpoints -----------------------------------------
  { name: 'DNS_ROUND_ROBIN', draft: with_({ resolution: 'DNS_ROUND_ROBIN' }), expected: { code: 'resolution-unknown', path: 'resolution', message: 'is not a resolution (DNS, NONE, STATIC)' }, istio: 'accepts' },
  { name: 'made-up resolution', draft: with_({ resolution: 'dynamic' }), expected: { code: 'resolution-unknown', path: 'resolution', message: 'is not a resolution' }, istio: 'rejects' },
  { name: 'STATIC without endpoints', draft: with_({ resolution: 'STATIC' }), expected: { code: 'endpoints-required', path: 'endpoints', message: 'STATIC needs at least one endpoint' }, istio: 'accepts' },
  { name: 'STATIC with empty endpoints', draft: with_({ resolution: 'STATIC', endpoints: [] }), expected: { code: 'endpoints-required', path: 'endpoints', message: 'STATIC needs at least one endpoint' }, istio: 'accepts' },
  { name: 'DNS with endpoints', draft: with_({ endpoints: [{ address: '198.51.100.1' }] }), expected: { code: 'endpoints-not-allowed', path: 'endpoints', message: 'only used with resolution STATIC, not DNS' }, istio: 'accepts' },
  { name: 'NONE with endpoints', draft: with_({ resolution: 'NONE', endpoints: [{ address: '198.51.100.1' }] }), expected: { code: 'endpoints-not-allowed', path: 'endpoints', message: 'not NONE' }, istio: 'rejects' },
  { name: 'STATIC endpoint host name', draft: with_({ resolution: 'STATIC', endpoints: [{ address: 'db.example.com' }] }), expected: { code: 'endpoint-not-ip', path: 'endpoints[0].address', message: 'STATIC endpoints are IP addresses' }, istio: 'rejects' },
  { name: 'STATIC endpoint unix socket', draft: with_({ resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/db.sock' }] }), expected: { code: 'endpoint-not-ip', path: 'endpoints[0].address', message: 'not an IP address' }, istio: 'accepts' },
  { name: 'STATIC endpoint bad IP', draft: with_({ resolution: 'STATIC', endpoints: [{ address: '198.51.100.300' }] }), expected: { code: 'endpoint-not-ip', path: 'endpoints[0].address', message: 'not an IP address' }, istio: 'rejects' },
  { name: 'STATIC duplicate endpoints', draft: with_({ resolution: 'STATIC', endpoints: [{ address: '198.51.100.1' }, { address: '198.51.100.1' }] }), expected: { code: 'endpoint-duplicate', path: 'endpoints[1].address', message: 'already listed as endpoints[0]' }, istio: 'accepts' },
  { name: 'STATIC too many endpoints', draft: with_({ resolution: 'STATIC', endpoints: manyEndpoints }), expected: { code: 'endpoints-too-many', path: 'endpoints', message: '65 endpoints; at most 64' }, istio: 'accepts' },

  // --- TCP ---------------------------------------------------------------
  portCase('TCP with NONE and no addresses', [{ number: 5432, protocol: 'TCP' }], 'tcp-without-addresses', 'ports[0].protocol', 'would open 0.0.0.0:5432 to every IP', 'accepts', { resolution: 'NONE' }),
  portCase('TCP on a wildcard host', [{ number: 5432, protocol: 'TCP' }], 'tcp-without-addresses', 'ports[0].protocol', '0.0.0.0:5432', 'accepts', { hosts: ['*.example.com'] }),
  portCase('TCP with several hosts', [{ number: 5432, protocol: 'TCP' }], 'multiple-hosts-tcp', 'ports[0].protocol', 'cannot tell 2 hosts apart', 'rejects', { hosts: ['db1.example.com', 'db2.example.com'] }),

  // --- egress gateway ----------------------------------------------------
  { name: 'NONE through the gateway', draft: with_({ resolution: 'NONE', viaEgressGateway: true }), expected: { code: 'gateway-none-resolution', path: 'resolution', message: 'routing loop' }, istio: 'accepts' },
  // As rendered, the gateway's shared ServiceEntry would resolve the wildcard by DNS, which Istio rejects.
  { name: 'wildcard through the gateway', draft: with_({ hosts: ['*.example.com'], viaEgressGateway: true }), expected: { code: 'gateway-wildcard', path: 'viaEgressGateway', message: 'send wildcards directly' }, istio: 'rejects' },
  // As rendered, no host means nothing shared on the gateway: Istio accepts the rest, which routes nothing through it.
  { name: 'CIDR through the gateway', draft: with_({ hosts: undefined, addresses: ['203.0.113.0/24'], ports: [{ number: 443, protocol: 'TLS' }], viaEgressGateway: true }), expected: { code: 'gateway-addresses', path: 'viaEgressGateway', message: 'IP ranges cannot go through it' }, istio: 'accepts' },
  // As rendered, the Gateway would have no server and the VirtualService no route: Istio rejects both.
  portCase('TCP through the gateway', [{ number: 5432, protocol: 'TCP' }], 'gateway-protocol', 'ports[0].protocol', 'TCP cannot be routed through the egress gateway', 'rejects', { viaEgressGateway: true }),
  portCase('GRPC through the gateway', [{ number: 50051, protocol: 'GRPC' }], 'gateway-protocol', 'ports[0].protocol', 'GRPC cannot be routed', 'rejects', { viaEgressGateway: true }),
  portCase('HTTP2 through the gateway', [{ number: 8080, protocol: 'HTTP2' }], 'gateway-protocol', 'ports[0].protocol', 'HTTP2 cannot be routed', 'rejects', { viaEgressGateway: true }),
  portCase('TLS 8443 through the gateway', [{ number: 8443, protocol: 'TLS' }], 'gateway-port', 'ports[0].number', 'on port 443 only; 8443', 'accepts', { viaEgressGateway: true }),
  portCase('HTTP 8080 through the gateway', [{ number: 8080, protocol: 'HTTP' }], 'gateway-port', 'ports[0].number', 'plain HTTP on port 80 only', 'accepts', { viaEgressGateway: true }),

  // --- justification -----------------------------------------------------
  { name: 'empty justification', draft: with_({ justification: '' }), expected: { code: 'justification-required', path: 'justification', message: 'say why' }, istio: 'n/a' },
  { name: 'blank justification', draft: with_({ justification: '   \n ' }), expected: { code: 'justification-required', path: 'justification', message: 'say why' }, istio: 'n/a' },
  { name: 'short justification', draft: with_({ justification: 'because' }), expected: { code: 'justification-too-short', path: 'justification', message: '7 characters; write at least 10' }, istio: 'n/a' },
  { name: 'long justification', draft: with_({ justification: 'x'.repeat(2001) }), expected: { code: 'justification-too-long', path: 'justification', message: '2001 characters; at most 2000' }, istio: 'n/a' },

  // --- expiry ------------------------------------------------------------
  { name: 'expiry in the past', draft: with_({ expiresAt: '2029-12-31T00:00:00Z' }), expected: { code: 'expiry-in-past', path: 'expiresAt', message: 'not in the future' }, istio: 'n/a' },
  { name: 'expiry exactly now', draft: with_({ expiresAt: '2030-01-01T00:00:00Z' }), expected: { code: 'expiry-in-past', path: 'expiresAt', message: 'not in the future' }, istio: 'n/a' },
  { name: 'expiry as words', draft: with_({ expiresAt: 'tomorrow' }), expected: { code: 'expiry-invalid', path: 'expiresAt', message: 'not an ISO-8601 date and time' }, istio: 'n/a' },
  { name: 'expiry date without time', draft: with_({ expiresAt: '2030-01-15' }), expected: { code: 'expiry-invalid', path: 'expiresAt', message: 'with a zone' }, istio: 'n/a' },
  { name: 'expiry 30 February', draft: with_({ expiresAt: '2030-02-30T00:00:00Z' }), expected: { code: 'expiry-invalid', path: 'expiresAt', message: 'not an ISO-8601' }, istio: 'n/a' },
  { name: 'expiry without zone', draft: with_({ expiresAt: '2030-01-15T00:00:00' }), expected: { code: 'expiry-invalid', path: 'expiresAt', message: 'with a zone' }, istio: 'n/a' },
  { name: 'expiry at hour 25', draft: with_({ expiresAt: '2030-01-15T25:00:00Z' }), expected: { code: 'expiry-invalid', path: 'expiresAt', message: 'not an ISO-8601' }, istio: 'n/a' },
  { name: 'expiry as a number', draft: with_({ expiresAt: 1893456000000 }), expected: { code: 'invalid-type', path: 'expiresAt', message: 'expected string, got number' }, istio: 'n/a' },
];
