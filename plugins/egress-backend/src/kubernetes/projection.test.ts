import { REQUEST_ID_LABEL } from '@backstage-egress/plugin-egress-common';
import { ListPage, ListWatch, WatchEvent } from './ListWatch';
import { CachedObject, Reflector } from './Reflector';
import { projectIstioObject, projectMeshConfig } from './projection';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Our ListWatch interface with one list page and one watch whose events the test sends. */
class OneWatch implements ListWatch {
  readonly cluster = 'stub';
  send?: (event: WatchEvent) => void;
  constructor(private readonly items: CachedObject[]) {}
  async list(): Promise<ListPage> {
    return { items: this.items, resourceVersion: '10' };
  }
  watch(
    options: { signal: AbortSignal },
    handlers: { onOpen: () => void; onEvent: (event: WatchEvent) => void },
  ): Promise<void> {
    handlers.onOpen();
    this.send = handlers.onEvent;
    return new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  }
}

const whole = (name: string, requestId?: string, namespace = 'payments'): CachedObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: {
    name,
    namespace,
    uid: `uid-${name}`,
    resourceVersion: '7',
    labels: { app: 'x', ...(requestId ? { [REQUEST_ID_LABEL]: requestId } : {}) },
    annotations: { [LAST_APPLIED]: '{"big":"copy"}', note: 'kept' },
    managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }],
    creationTimestamp: '2026-01-01T00:00:00Z',
  } as CachedObject['metadata'],
  spec: { hosts: [`${name}.example.com`] },
  status: { validationMessages: [{ type: { code: 'IST0101' }, level: 'ERROR' }] },
});

describe('projectIstioObject', () => {
  it('keeps what the cache readers use and drops managedFields, the last-applied copy and the rest', () => {
    expect(projectIstioObject(whole('a', 'r1'))).toEqual({
      metadata: {
        name: 'a',
        namespace: 'payments',
        resourceVersion: '7',
        labels: { app: 'x', [REQUEST_ID_LABEL]: 'r1' },
        annotations: { note: 'kept' },
      },
      spec: { hosts: ['a.example.com'] },
      status: { validationMessages: [{ type: { code: 'IST0101' }, level: 'ERROR' }] },
    });
  });

  it('keeps only the mesh key of the mesh ConfigMap', () => {
    const cm = { metadata: { name: 'istio', namespace: 'istio-system', uid: 'u' }, data: { mesh: 'a: 1', meshNetworks: 'x' } };
    expect(projectMeshConfig(cm)).toEqual({ metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'a: 1' } });
  });
});

describe('Reflector with a projection and a label index', () => {
  let reflector: Reflector;
  afterEach(() => reflector?.stop());

  it('stores projected objects and finds them by label value as they are added, relabelled and deleted', async () => {
    const lw = new OneWatch([whole('a', 'r1'), whole('b', 'r1', 'search'), whole('c')]);
    reflector = new Reflector({ listWatch: lw, what: 'watching', project: projectIstioObject, indexLabel: REQUEST_ID_LABEL });
    reflector.start();
    await reflector.whenFirstAttempted();
    const names = (objs: CachedObject[]) => objs.map(o => `${o.metadata.namespace}/${o.metadata.name}`).sort();
    expect(names(reflector.withLabel('r1'))).toEqual(['payments/a', 'search/b']);
    expect(reflector.get('payments', 'a')).toEqual(projectIstioObject(whole('a', 'r1')));
    expect((reflector.get('payments', 'a')!.metadata as Record<string, unknown>).managedFields).toBeUndefined();

    for (let i = 0; i < 100 && !lw.send; i++) await new Promise(r => setTimeout(r, 5));
    lw.send!({ type: 'MODIFIED', object: whole('a', 'r2') });
    lw.send!({ type: 'ADDED', object: whole('d', 'r2') });
    lw.send!({ type: 'DELETED', object: whole('b', 'r1', 'search') });
    expect(reflector.withLabel('r1')).toEqual([]);
    expect(names(reflector.withLabel('r2'))).toEqual(['payments/a', 'payments/d']);
    expect(reflector.get('search', 'b')).toBeUndefined();
  });
});
