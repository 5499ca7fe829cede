/**
 * fast-check arbitraries for egress drafts. Test-only (not exported from the
 * package index): `validDraftArbitrary` produces drafts that `validateDraft`
 * accepts, so other tests can prove that everything we accept renders
 * manifests a real API server accepts.
 */
import fc from 'fast-check';
import { cidrNetwork, formatCidr, formatIp } from '../addresses';
import type { EgressPort, EgressRequestDraft, Protocol } from '../model';

const TLDS = ['com', 'org', 'net', 'io', 'dev', 'de', 'xn--p1ai'];

/** A DNS label of 1 to `max` characters. */
export const labelArbitrary = (max = 20): fc.Arbitrary<string> =>
  fc
    .stringMatching(new RegExp(`^[a-z0-9]([a-z0-9-]{0,${max - 2}}[a-z0-9])?$`))
    // "xn--" starts a punycode label, which must decode; leave those to the TLD list.
    .filter(label => !label.startsWith('xn--'));

/** An external host name our validator accepts: labels plus a real TLD. */
export const hostArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.array(labelArbitrary(), { minLength: 1, maxLength: 3 }), fc.constantFrom(...TLDS))
  .map(([labels, tld]) => [...labels, tld].join('.'));

/** `*.` plus a host of at least two labels. */
export const wildcardHostArbitrary: fc.Arbitrary<string> = hostArbitrary.map(h => `*.${h}`);

/** A request id that is a valid label value. */
export const requestIdArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/),
);

const ipv4Cidr = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 8, max: 32 }))
  .map(([bytes, prefix]) => formatCidr(cidrNetwork({ version: 4, bytes, prefix })));
const ipv6Cidr = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), fc.integer({ min: 16, max: 128 }))
  .map(([bytes, prefix]) => formatCidr(cidrNetwork({ version: 6, bytes, prefix })));

/** A CIDR block without host bits, /8 or narrower (IPv6 /16 or narrower). */
export const cidrArbitrary: fc.Arbitrary<string> = fc.oneof(ipv4Cidr, ipv6Cidr);

const ipArbitrary = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map(bytes => formatIp({ version: 4, bytes })),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }).map(bytes => formatIp({ version: 6, bytes })),
);

const portsArbitrary = (protocols: Protocol[], max = 4): fc.Arbitrary<EgressPort[]> =>
  fc.uniqueArray(
    fc.record({ number: fc.integer({ min: 1, max: 65535 }), protocol: fc.constantFrom(...protocols) }),
    { minLength: 1, maxLength: max, selector: p => p.number },
  );

// Through the gateway only TLS/HTTPS on 443 and HTTP on 80 are routable.
const gatewayPortsArbitrary: fc.Arbitrary<EgressPort[]> = fc.oneof(
  fc.constantFrom<Protocol>('TLS', 'HTTPS').map(protocol => [{ number: 443, protocol }]),
  fc.constant<EgressPort[]>([{ number: 80, protocol: 'HTTP' }]),
  fc.constantFrom<Protocol>('TLS', 'HTTPS').map(protocol => [
    { number: 443, protocol },
    { number: 80, protocol: 'HTTP' as Protocol },
  ]),
);

const ALL: Protocol[] = ['HTTPS', 'TLS', 'HTTP', 'HTTP2', 'GRPC', 'TCP'];
const NAME_BASED: Protocol[] = ['HTTPS', 'TLS', 'HTTP', 'HTTP2', 'GRPC'];

const common = fc.record({
  entityRef: fc.tuple(fc.constantFrom('component', 'resource'), labelArbitrary(30)).map(([k, n]) => `${k}:default/${n}`),
  namespace: labelArbitrary(63),
  clusters: fc.uniqueArray(labelArbitrary(15), { minLength: 1, maxLength: 3 }),
  justification: fc
    .tuple(fc.constantFrom('Partner API for', 'Needed by the', 'Billing export to'), fc.stringMatching(/^[a-z ]{0,40}[a-z]$/))
    .map(([a, b]) => `${a} ${b}`),
  expiresAt: fc.option(
    fc.integer({ min: Date.UTC(2100, 0, 1), max: Date.UTC(2101, 0, 1) }).map(ms => new Date(ms).toISOString()),
    { nil: undefined },
  ),
  lockdownNamespace: fc.option(fc.boolean(), { nil: undefined }),
  namespaceNetworkPolicy: fc.option(fc.boolean(), { nil: undefined }),
});

/** Hosts with DNS resolution, direct or through the gateway. */
const dnsDestination = fc
  .tuple(
    fc.oneof(
      fc.record({
        hosts: fc.uniqueArray(hostArbitrary, { minLength: 1, maxLength: 3 }),
        viaEgressGateway: fc.constant(true),
        ports: gatewayPortsArbitrary,
      }),
      fc.record({ hosts: hostArbitrary.map(h => [h]), viaEgressGateway: fc.constant(false), ports: portsArbitrary(ALL) }),
      fc.record({
        hosts: fc.uniqueArray(hostArbitrary, { minLength: 2, maxLength: 3 }),
        viaEgressGateway: fc.constant(false),
        ports: portsArbitrary(NAME_BASED),
      }),
    ),
    fc.constantFrom(undefined, 'DNS' as const),
  )
  .map(([d, resolution]) => ({ ...d, resolution }));

/** Wildcard hosts, resolution NONE, direct (the gateway cannot route them). */
const wildcardDestination = fc.record({
  hosts: fc
    .tuple(wildcardHostArbitrary, fc.uniqueArray(fc.oneof(wildcardHostArbitrary, hostArbitrary), { maxLength: 2 }))
    .map(([wildcard, rest]) => [wildcard, ...rest.filter(h => h !== wildcard)]),
  viaEgressGateway: fc.constant(false),
  ports: portsArbitrary(NAME_BASED),
  resolution: fc.constantFrom(undefined, 'NONE' as const),
});

/** IP ranges, resolution NONE, direct. */
const cidrDestination = fc.record({
  addresses: fc.uniqueArray(cidrArbitrary, { minLength: 1, maxLength: 3 }),
  viaEgressGateway: fc.constant(false),
  ports: portsArbitrary(ALL),
  resolution: fc.constantFrom(undefined, 'NONE' as const),
});

/** One host with fixed endpoints (STATIC). */
const staticDestination = fc.oneof(
  fc.record({ viaEgressGateway: fc.constant(true), ports: gatewayPortsArbitrary }),
  fc.record({ viaEgressGateway: fc.constant(false), ports: portsArbitrary(ALL) }),
).chain(rest =>
  fc.record({
    hosts: hostArbitrary.map(h => [h]),
    endpoints: fc.uniqueArray(ipArbitrary, { minLength: 1, maxLength: 3 }).map(ips => ips.map(address => ({ address }))),
    resolution: fc.constant('STATIC' as const),
    viaEgressGateway: fc.constant(rest.viaEgressGateway),
    ports: fc.constant(rest.ports),
  }),
);

/**
 * Drafts that `validateDraft` accepts (with any `now` before 2100): DNS
 * hosts direct or through the gateway, wildcards, IP ranges and STATIC
 * endpoints, with optional expiry, lockdown and (through the gateway)
 * namespace NetworkPolicy.
 */
export const validDraftArbitrary: fc.Arbitrary<EgressRequestDraft> = fc
  .tuple(common, fc.oneof(dnsDestination, wildcardDestination, cidrDestination, staticDestination))
  .map(([c, d]) => {
    const draft: Record<string, unknown> = { ...c, ...d };
    // The namespace NetworkPolicy blocks direct access: only with the gateway.
    if (!d.viaEgressGateway) delete draft.namespaceNetworkPolicy;
    for (const key of Object.keys(draft)) if (draft[key] === undefined) delete draft[key];
    return draft as unknown as EgressRequestDraft;
  });
