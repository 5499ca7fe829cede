import fc from 'fast-check';
import { validDraftArbitrary } from './__testUtils__/arbitraries';
import { renderManifests } from './render';
import { isDns1123Label } from './names';
import { validateDraft, ValidateDraftOptions } from './validation';

const now = new Date('2030-01-01T00:00:00Z');
const base = {
  entityRef: 'component:default/payments-api',
  namespace: 'payments',
  clusters: ['demo'],
  hosts: ['api.example.com'],
  ports: [{ number: 443, protocol: 'HTTPS' }],
  viaEgressGateway: true,
  justification: 'Partner API for fraud scoring',
  expiresAt: '2030-01-15T00:00:00Z',
};

const codes = (issues: Array<{ code: string }>) => issues.map(i => i.code);

describe('validateDraft accepts', () => {
  const accepted: Array<[string, unknown, ValidateDraftOptions?]> = [
    ['the seed request', base],
    ['HTTP on 80 through the gateway', { ...base, ports: [{ number: 80, protocol: 'HTTP' }] }],
    ['TLS 443 and HTTP 80 through the gateway', { ...base, ports: [{ number: 443, protocol: 'TLS' }, { number: 80, protocol: 'HTTP' }] }],
    ['several hosts through the gateway', { ...base, hosts: ['a.example.com', 'b.example.com', 'c.example.org'] }],
    ['direct HTTPS on 8443', { ...base, viaEgressGateway: false, ports: [{ number: 8443, protocol: 'HTTPS' }] }],
    ['GRPC and HTTP2 direct', { ...base, viaEgressGateway: false, ports: [{ number: 50051, protocol: 'GRPC' }, { number: 8080, protocol: 'HTTP2' }] }],
    ['a wildcard with default resolution', { ...base, viaEgressGateway: false, hosts: ['*.googleapis.com'] }],
    ['a wildcard with NONE', { ...base, viaEgressGateway: false, hosts: ['*.googleapis.com'], resolution: 'NONE' }],
    ['a deep wildcard', { ...base, viaEgressGateway: false, hosts: ['*.eu.s3.amazonaws.com'] }],
    ['a CIDR on TCP', { ...base, viaEgressGateway: false, hosts: undefined, addresses: ['203.0.113.0/24'], ports: [{ number: 5432, protocol: 'TCP' }] }],
    ['an IPv6 CIDR', { ...base, viaEgressGateway: false, hosts: undefined, addresses: ['2001:db8::/48'], ports: [{ number: 443, protocol: 'TLS' }] }],
    ['a bare IP in addresses', { ...base, viaEgressGateway: false, hosts: undefined, addresses: ['198.51.100.7'], ports: [{ number: 22, protocol: 'TCP' }] }],
    ['a CIDR with STATIC endpoints', { ...base, viaEgressGateway: false, hosts: undefined, addresses: ['198.51.100.0/24'], resolution: 'STATIC', endpoints: [{ address: '198.51.100.7' }], ports: [{ number: 5432, protocol: 'TCP' }] }],
    ['STATIC through the gateway', { ...base, resolution: 'STATIC', endpoints: [{ address: '198.51.100.7' }, { address: '2001:db8::7' }] }],
    ['TCP to one DNS host', { ...base, viaEgressGateway: false, ports: [{ number: 5432, protocol: 'TCP' }] }],
    ['no expiry', { ...base, expiresAt: undefined }],
    ['an expiry with offset', { ...base, expiresAt: '2030-01-15T10:00:00.123+02:00' }],
    ['lockdown', { ...base, lockdownNamespace: true }],
    ['a resource entity', { ...base, entityRef: 'resource:infra/partner-db' }],
    ['an entity ref without namespace', { ...base, entityRef: 'component:payments-api' }],
    ['an IDN host', { ...base, hosts: ['bücher.de'] }],
    ['a punycode host', { ...base, hosts: ['xn--bcher-kva.de'] }],
    ['a host with 253 characters', { ...base, hosts: [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`] }],
    ['a label with 63 characters', { ...base, hosts: [`${'a'.repeat(63)}.com`] }],
    ['a host with a digit-led label', { ...base, hosts: ['1password.com', '3com.example.org'] }],
    ['ports 1 and 65535', { ...base, viaEgressGateway: false, ports: [{ number: 1, protocol: 'TLS' }, { number: 65535, protocol: 'HTTPS' }] }],
    ['an empty justification when not required', { ...base, justification: '' }, { requireJustification: false }],
    ['a known cluster', base, { knownClusters: ['demo', 'prod'] }],
    ['a client-chosen id', { ...base, id: '0b6f2e6a-3f0c-4c55-9a43-2f1e5d7c9b10' }],
  ];
  it.each(accepted)('%s', (_name, draft, options = {}) => {
    const result = validateDraft(draft, { now, ...options });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('accepts everything validDraftArbitrary produces, and renders it', () => {
    fc.assert(
      fc.property(validDraftArbitrary, fc.uuid(), (draft, id) => {
        const result = validateDraft(draft, { now });
        if (!result.valid) throw new Error(JSON.stringify(result.errors));
        const manifests = renderManifests({ ...draft, id }, { name: 'demo' });
        for (const m of manifests) expect(isDns1123Label(m.metadata.name)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('normalisation', () => {
  it('lowercases, trims and drops one trailing dot', () => {
    const { draft } = validateDraft({ ...base, hosts: ['  API.Example.COM.  '] }, { now });
    expect(draft.hosts).toEqual(['api.example.com']);
  });

  it('converts IDN hosts to punycode, wildcards included', () => {
    const { draft, valid } = validateDraft(
      { ...base, viaEgressGateway: false, hosts: ['Bücher.DE', '*.münchen.de', '例え.テスト'] },
      { now },
    );
    expect(valid).toBe(true);
    expect(draft.hosts).toEqual(['xn--bcher-kva.de', '*.xn--mnchen-3ya.de', 'xn--r8jz45g.xn--zckzah']);
  });

  it('maps fullwidth dots to dots', () => {
    expect(validateDraft({ ...base, hosts: ['api。example。com'] }, { now }).draft.hosts).toEqual(['api.example.com']);
  });

  it('normalises protocol case, resolution case and defaults', () => {
    const { draft } = validateDraft({ ...base, ports: [{ number: 443, protocol: ' tls ' }], resolution: 'dns' }, { now });
    expect(draft.ports).toEqual([{ number: 443, protocol: 'TLS' }]);
    expect(draft.resolution).toBe('DNS');
    expect(draft.lockdownNamespace).toBe(false);
    expect(draft.endpoints).toEqual([]);
    expect(draft.addresses).toEqual([]);
  });

  it('defaults resolution to NONE for wildcards and addresses, DNS otherwise', () => {
    expect(validateDraft({ ...base, viaEgressGateway: false, hosts: ['*.example.com'] }, { now }).draft.resolution).toBe('NONE');
    expect(validateDraft({ ...base, viaEgressGateway: false, hosts: undefined, addresses: ['203.0.113.0/24'] }, { now }).draft.resolution).toBe('NONE');
    expect(validateDraft(base, { now }).draft.resolution).toBe('DNS');
  });

  it('canonicalises addresses, bare IPs becoming single-address blocks', () => {
    const { draft, valid } = validateDraft(
      { ...base, viaEgressGateway: false, hosts: undefined, addresses: ['198.51.100.7', '2001:DB8:0:0::/64', '2001:db8::1'], ports: [{ number: 22, protocol: 'TCP' }] },
      { now },
    );
    expect(valid).toBe(true);
    expect(draft.addresses).toEqual(['198.51.100.7/32', '2001:db8::/64', '2001:db8::1/128']);
  });

  it('canonicalises endpoints, entity refs, expiry and justification', () => {
    const { draft } = validateDraft(
      { ...base, entityRef: 'Component:Payments-API', resolution: 'STATIC', endpoints: [{ address: '2001:0DB8::0001' }], expiresAt: '2030-01-15T10:00:00+02:00', justification: '  Partner API for fraud scoring \n' },
      { now },
    );
    expect(draft.endpoints).toEqual([{ address: '2001:db8::1' }]);
    expect(draft.entityRef).toBe('component:default/payments-api');
    expect(draft.expiresAt).toBe('2030-01-15T08:00:00.000Z');
    expect(draft.justification).toBe('Partner API for fraud scoring');
  });
});

describe('warnings', () => {
  it('gives none for a short HTTPS grant through the gateway', () => {
    expect(validateDraft(base, { now }).warnings).toEqual([]);
  });

  it('warns about plain HTTP and TCP, wildcards, CIDRs, no gateway, long and missing expiry', () => {
    expect(codes(validateDraft({ ...base, ports: [{ number: 80, protocol: 'HTTP' }] }, { now }).warnings)).toEqual(['plain-http']);
    expect(codes(validateDraft({ ...base, viaEgressGateway: false, ports: [{ number: 5432, protocol: 'TCP' }] }, { now }).warnings)).toEqual(
      ['tcp-shares-port', 'plain-tcp', 'no-gateway'],
    );
    expect(codes(validateDraft({ ...base, viaEgressGateway: false, hosts: ['*.example.com'] }, { now }).warnings)).toEqual(['wildcard-host', 'no-gateway']);
    expect(codes(validateDraft({ ...base, viaEgressGateway: false, hosts: undefined, addresses: ['203.0.113.0/24'] }, { now }).warnings)).toEqual(['cidr', 'no-gateway']);
    expect(codes(validateDraft({ ...base, expiresAt: '2030-03-01T00:00:00Z' }, { now }).warnings)).toEqual(['long-expiry']);
    expect(codes(validateDraft({ ...base, expiresAt: undefined }, { now }).warnings)).toEqual(['no-expiry']);
  });

  it('puts the path at the start of every warning message', () => {
    const { warnings } = validateDraft({ ...base, viaEgressGateway: false, ports: [{ number: 80, protocol: 'HTTP' }], expiresAt: undefined }, { now });
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w.message.startsWith(`${w.path}: `)).toBe(true);
  });
});

describe('error reporting', () => {
  it('reports every bad field at once', () => {
    const result = validateDraft(
      { ...base, namespace: 'Bad', hosts: ['*'], ports: [{ number: 70000, protocol: 'HTTPS' }], justification: 'short' },
      { now },
    );
    expect(codes(result.errors)).toEqual(
      expect.arrayContaining(['namespace-invalid', 'host-wildcard-only', 'port-out-of-range', 'justification-too-short']),
    );
  });

  it('does not call a field with a type error missing', () => {
    const result = validateDraft({ ...base, hosts: 'api.example.com' }, { now });
    expect(codes(result.errors)).toEqual(['invalid-type']);
  });

  it('uses the real clock without now', () => {
    expect(validateDraft({ ...base, expiresAt: '2000-01-01T00:00:00Z' }).errors[0].code).toBe('expiry-in-past');
  });
});

describe('request id', () => {
  it.each([
    ['not a UUID', 'preview'],
    ['uppercase', '0B6F2E6A-3F0C-4C55-9A43-2F1E5D7C9B10'],
    ['in braces', '{0b6f2e6a-3f0c-4c55-9a43-2f1e5d7c9b10}'],
    ['empty', ''],
    ['a number', 42],
  ])('rejects an id that is %s', (_name, id) => {
    const result = validateDraft({ ...base, id }, { now });
    expect(result.valid).toBe(false);
    expect(result.errors.map(e => e.path)).toEqual(['id']);
  });

  it('accepts what crypto.randomUUID makes', () => {
    fc.assert(fc.property(fc.uuid(), id => validateDraft({ ...base, id }, { now }).valid));
    expect(validateDraft({ ...base, id: globalThis.crypto.randomUUID() }, { now }).valid).toBe(true);
  });
});
