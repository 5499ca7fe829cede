import type { KubernetesManifest } from '@backstage-egress/plugin-egress-common';
import { analysisDocUrl, istioMessages, istioVerdict } from './istioStatus';
import { CachedObject } from './Reflector';

// What istiod (PILOT_ENABLE_ANALYSIS) wrote on a VirtualService in a testenv cluster.
const WRITTEN_BY_ISTIOD = {
  observedGeneration: '1',
  validationMessages: [
    { documentationUrl: 'https://istio.io/v1.31/docs/reference/config/analysis/ist0101/', level: 'ERROR', type: { code: 'IST0101' } },
    { documentationUrl: 'https://istio.io/v1.31/docs/reference/config/analysis/ist0132/', level: 'WARNING', type: { code: 'IST0132' } },
  ],
};

const manifest = (kind: string, name: string): KubernetesManifest => ({
  apiVersion: 'networking.istio.io/v1',
  kind,
  metadata: { name, namespace: 'payments', labels: {} },
  spec: {},
});
const live = (m: KubernetesManifest, status?: unknown): CachedObject => ({
  metadata: { name: m.metadata.name, namespace: m.metadata.namespace },
  status,
});

describe('istioMessages', () => {
  it('reads the analysis messages istiod writes, with their documentation', () => {
    expect(istioMessages(WRITTEN_BY_ISTIOD)).toEqual([
      { code: 'IST0101', level: 'ERROR', message: 'IST0101', docUrl: 'https://istio.io/v1.31/docs/reference/config/analysis/ist0101/' },
      { code: 'IST0132', level: 'WARNING', message: 'IST0132', docUrl: 'https://istio.io/v1.31/docs/reference/config/analysis/ist0132/' },
    ]);
  });

  it('takes numeric levels and names, links the code when istiod gave no URL, and reads failed conditions', () => {
    expect(
      istioMessages({
        validationMessages: [{ level: 8, type: { code: 'IST0145', name: 'ConflictingGateways' } }],
        conditions: [
          { type: 'Reconciled', status: 'True' },
          { type: 'Accepted', status: 'False', reason: 'Invalid', message: 'port conflict' },
        ],
      }),
    ).toEqual([
      { code: 'IST0145', level: 'WARNING', message: 'ConflictingGateways', docUrl: analysisDocUrl('IST0145') },
      { code: 'Accepted', level: 'WARNING', message: 'port conflict' },
    ]);
  });

  it('never links anything but https', () => {
    const [m] = istioMessages({ validationMessages: [{ level: 'ERROR', documentationUrl: 'http://istio.example/ist0101', type: { code: 'IST0101' } }] });
    expect(m.docUrl).toBe(analysisDocUrl('IST0101'));
  });

  it('has nothing to say about an object without status', () => {
    expect(istioMessages(undefined)).toEqual([]);
    expect(istioMessages({})).toEqual([]);
  });
});

describe('istioVerdict', () => {
  const se = manifest('ServiceEntry', 'se');
  const vs = manifest('VirtualService', 'vs');

  it('is the worst verdict of the resources', () => {
    const objects = new Map([
      [se, live(se)],
      [vs, live(vs, WRITTEN_BY_ISTIOD)],
    ]);
    const result = istioVerdict([se, vs], m => objects.get(m), true);
    expect(result.verdict).toBe('error');
    expect(result.resources.map(r => [r.kind, r.verdict])).toEqual([
      ['ServiceEntry', 'accepted'],
      ['VirtualService', 'error'],
    ]);
  });

  it('is accepted when Istio wrote no finding, warning for warnings only', () => {
    expect(istioVerdict([se], m => live(m), true).verdict).toBe('accepted');
    const warned = { validationMessages: [{ level: 'WARNING', type: { code: 'IST0132' } }] };
    expect(istioVerdict([se, vs], m => live(m, m === vs ? warned : undefined), true).verdict).toBe('warning');
  });

  it('is unknown for resources not in the cache, and for everything while the cache is not synced', () => {
    expect(istioVerdict([se, vs], m => (m === se ? live(m) : undefined), true)).toMatchObject({
      verdict: 'unknown',
      resources: [{ verdict: 'accepted' }, { verdict: 'unknown', messages: [] }],
    });
    expect(istioVerdict([se], m => live(m, WRITTEN_BY_ISTIOD), false).verdict).toBe('unknown');
  });
});
