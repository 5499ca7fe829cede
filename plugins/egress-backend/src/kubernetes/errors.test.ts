import { KubernetesApiError, statusCodeOf, toClusterError } from './errors';

const status = (code: number, message: string, causes?: object[]) =>
  new KubernetesApiError(code, { kind: 'Status', code, message, ...(causes ? { details: { causes } } : {}) }, '');

describe('toClusterError', () => {
  it.each([
    [401, 'AuthenticationError'],
    [403, 'NotAllowedError'],
    [404, 'NotFoundError'],
    [409, 'ConflictError'],
    [422, 'InputError'],
    [400, 'InputError'],
    [500, 'ServiceUnavailableError'],
    [503, 'ServiceUnavailableError'],
  ])('maps HTTP %i to %s, naming the cluster and keeping the server message', (code, name) => {
    const err = toClusterError('prod', status(code, 'the server said no'), 'applying ServiceEntry a/b');
    expect(err.name).toBe(name);
    expect(err.message).toContain("Cluster 'prod': applying ServiceEntry a/b: the server said no");
    expect(statusCodeOf(err)).toBe(code);
  });

  it("keeps a 422's field causes", () => {
    const err = toClusterError('dev', status(422, 'ServiceEntry.networking.istio.io "x" is invalid', [
      { field: 'spec.hosts[0]', message: 'wildcard host * is not allowed' },
    ]));
    expect(err.name).toBe('InputError');
    expect(err.message).toContain('spec.hosts[0]: wildcard host * is not allowed');
  });

  it('maps refused connections and TLS failures to ServiceUnavailableError without the server address', () => {
    const refused = toClusterError('dev', Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:6443'), { code: 'ECONNREFUSED' }));
    expect(refused.name).toBe('ServiceUnavailableError');
    expect(refused.message).toBe("Cluster 'dev': API server unreachable (ECONNREFUSED)");
    const tls = toClusterError('dev', Object.assign(new Error('self signed 10.1.2.3'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }));
    expect(tls.name).toBe('ServiceUnavailableError');
    expect(tls.message).toMatch(/TLS verification of the API server failed/);
    expect(tls.message).not.toContain('10.1.2.3');
  });

  it('uses the raw body when the answer is not a Status', () => {
    const err = toClusterError('dev', new KubernetesApiError(502, undefined, 'Bad gateway from proxy'));
    expect(err.name).toBe('ServiceUnavailableError');
    expect(err.message).toContain('Bad gateway from proxy');
  });
});
