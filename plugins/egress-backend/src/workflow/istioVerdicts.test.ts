import type { KubernetesManifest, RequestTarget } from '@backstage-egress/plugin-egress-common';
import { withIstioVerdicts } from './istioVerdicts';

const target = (cluster: string, status: RequestTarget['status']): RequestTarget => ({ requestId: 'r1', cluster, status, attempts: 1 });
const se: KubernetesManifest = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'se', namespace: 'payments', labels: {} }, spec: {} };
const accepted = { verdict: 'accepted' as const, resources: [] };

describe('withIstioVerdicts', () => {
  it("adds Istio's verdict to applied targets only, from their cluster's manifests", () => {
    const source = jest.fn(() => accepted);
    const out = withIstioVerdicts([target('dev', 'applied'), target('prod', 'failed')], () => [{ cluster: 'dev', manifests: [se] }, { cluster: 'prod', manifests: [se] }], source);
    expect(out.map(t => t.istio)).toEqual([accepted, undefined]);
    expect(source).toHaveBeenCalledWith('dev', [se]);
    expect(source).toHaveBeenCalledTimes(1);
  });

  it('renders nothing when no target is applied or no verdict is available', () => {
    const render = jest.fn(() => []);
    const pending = [target('dev', 'pending')];
    expect(withIstioVerdicts(pending, render, () => accepted)).toBe(pending);
    const applied = [target('dev', 'applied')];
    expect(withIstioVerdicts(applied, render, undefined)).toBe(applied);
    expect(render).not.toHaveBeenCalled();
  });

  it('leaves the targets as they are when the request no longer renders', () => {
    const applied = [target('dev', 'applied')];
    const broken = () => {
      throw new Error('Cannot render an invalid egress request');
    };
    expect(withIstioVerdicts(applied, broken, () => accepted)).toEqual(applied);
  });
});
