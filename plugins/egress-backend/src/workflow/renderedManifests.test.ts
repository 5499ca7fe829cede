import { renderManifests } from '@backstage-egress/plugin-egress-common';
import { desiredHash, renderable } from './hashing';
import { RenderedManifests } from './renderedManifests';

const settings = (name: string) => ({ name, istioNamespace: 'istio-system' });

function request(overrides: Record<string, unknown> = {}) {
  return {
    id: 'req-1',
    status: 'active' as const,
    requestedBy: 'user:default/alice',
    decidedBy: 'user:default/carol',
    entityRef: 'component:default/payments',
    namespace: 'payments',
    clusters: ['dev', 'prod'],
    hosts: ['api.stripe.com'],
    addresses: [],
    ports: [{ number: 443, protocol: 'TLS' as const }],
    resolution: 'DNS' as const,
    endpoints: [],
    viaEgressGateway: false,
    justification: 'Card payments go through Stripe',
    lockdownNamespace: false,
    ...overrides,
  };
}

describe('RenderedManifests', () => {
  it('renders what rendering renders, with its drift hash, once per request content and cluster', () => {
    const settingsOf = jest.fn(settings);
    const rendered = new RenderedManifests(settingsOf);
    const r = request();
    const first = rendered.of(r, 'dev');
    const expected = renderManifests(renderable(r), settings('dev'));
    expect(first.manifests).toEqual(expected);
    expect(first.hash).toBe(desiredHash(expected));
    expect(rendered.of({ ...r }, 'dev')).toBe(first);
    expect(settingsOf).toHaveBeenCalledTimes(1);

    expect(rendered.of(r, 'prod')).not.toBe(first);
    const changed = rendered.of(request({ hosts: ['api.github.com'] }), 'dev');
    expect(changed.hash).not.toBe(first.hash);
    expect(changed.manifests).toEqual(renderManifests(renderable(request({ hosts: ['api.github.com'] })), settings('dev')));
  });

  it('answers a request object it has seen from the object, without building its content key again', () => {
    const rendered = new RenderedManifests(settings, 1);
    const r = request({ id: 'a' });
    const first = rendered.of(r, 'dev');
    // Another request pushes r's content out of the (one-entry) cache; the object still has it.
    rendered.of(request({ id: 'b' }), 'dev');
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      expect(rendered.of(r, 'dev')).toBe(first);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
    expect(rendered.of({ ...r }, 'dev')).not.toBe(first);
  });

  it("renders a request through the gateway with the others' use of its hosts, anew only when that use changes", () => {
    const rendered = new RenderedManifests(settings);
    // In mutual mode the host's AuthorizationPolicy names every namespace using it.
    const r = request({ viaEgressGateway: true, gatewayMode: 'mutual' });
    const others = { 'api.stripe.com': { namespaces: ['orders'], ports: [443 as const] } };
    const first = rendered.of(r, 'dev', others);
    const expected = renderManifests(renderable(r), settings('dev'), others);
    expect(first.manifests).toEqual(expected);
    expect(first.hash).toBe(desiredHash(expected));
    // The shared objects name both namespaces: without the others' use they would differ.
    expect(first.hash).not.toBe(desiredHash(renderManifests(renderable(r), settings('dev'))));

    // The next view: a new object, the same use (another host's use does not count).
    expect(rendered.of({ ...r }, 'dev', { ...others, 'api.github.com': { namespaces: ['search'], ports: [443] } })).toBe(first);
    // Another namespace starts using the host: rendered anew.
    const more = { 'api.stripe.com': { namespaces: ['orders', 'search'], ports: [443 as const] } };
    const changed = rendered.of({ ...r }, 'dev', more);
    expect(changed).not.toBe(first);
    expect(changed.manifests).toEqual(renderManifests(renderable(r), settings('dev'), more));
    // Without others (the request's own view of its objects) is a bundle of its own.
    expect(rendered.of(r, 'dev').hash).toBe(desiredHash(renderManifests(renderable(r), settings('dev'))));
  });

  it('forgets the least recently used bundles beyond its limit', () => {
    const rendered = new RenderedManifests(settings, 2);
    const a = rendered.of(request({ id: 'a' }), 'dev');
    rendered.of(request({ id: 'b' }), 'dev');
    expect(rendered.of(request({ id: 'a' }), 'dev')).toBe(a);
    rendered.of(request({ id: 'c' }), 'dev');
    expect(rendered.size).toBe(2);
    expect(rendered.of(request({ id: 'a' }), 'dev')).toBe(a);
    expect(rendered.of(request({ id: 'b' }), 'dev')).not.toBe(undefined);
    expect(rendered.size).toBe(2);
  });

  it("serialises a request's content once per request object, whatever the number of its clusters", () => {
    const clusters = ['a', 'b', 'c', 'd', 'e'];
    const rendered = new RenderedManifests(settings);
    const r = request({ clusters });
    for (const c of clusters) rendered.of(r, c);
    // A later view reads the same request again: a new object with the same content.
    const again = { ...r };
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      for (const c of clusters) expect(rendered.of(again, c)).toBe(rendered.of(r, c));
      expect(stringify.mock.calls.filter(([value]) => value && typeof value === 'object' && 'hosts' in value)).toHaveLength(1);
    } finally {
      stringify.mockRestore();
    }
  });
});
