import { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import { EgressApi, egressApiRef } from '../../api/EgressApi';
import { egressEntityContent } from '../../alpha';
import { EgressTab } from './EgressTab';

const withNamespace: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    annotations: { 'backstage.io/kubernetes-namespace': 'payments' },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
};

const withoutNamespace: Entity = {
  ...withNamespace,
  metadata: { name: 'docs-site' },
};

function apiReturning(result: () => ReturnType<EgressApi['listClusters']>) {
  const api: EgressApi = { listClusters: jest.fn(result) };
  return api;
}

async function renderTab(entity: Entity, api: EgressApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[egressApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EgressTab />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EgressTab', () => {
  it('lists the clusters the backend returns', async () => {
    const api = apiReturning(async () => [
      { name: 'dev', title: 'Development' },
      { name: 'prod', title: 'Production', kialiUrl: 'https://kiali.example.com' },
    ]);
    await renderTab(withNamespace, api);

    expect(await screen.findByText('Development')).toBeInTheDocument();
    expect(screen.getByText('Production')).toBeInTheDocument();
    expect(screen.getByText('Open Kiali').closest('a')).toHaveAttribute(
      'href',
      'https://kiali.example.com',
    );
    expect(screen.getByText('payments')).toBeInTheDocument();
    expect(api.listClusters).toHaveBeenCalledTimes(1);
  });

  it('shows the backend error instead of the list', async () => {
    const api = apiReturning(async () => {
      throw new Error('egress backend unavailable');
    });
    await renderTab(withNamespace, api);

    expect(
      await screen.findByText('Error: egress backend unavailable', {
        selector: 'h6',
      }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Target clusters')).not.toBeInTheDocument();
  });

  it('explains the missing annotation instead of calling the backend', async () => {
    const api = apiReturning(async () => []);
    await renderTab(withoutNamespace, api);

    expect(
      await screen.findByText('No Kubernetes namespace for this entity'),
    ).toBeInTheDocument();
    expect(api.listClusters).not.toHaveBeenCalled();
  });
});

describe('egress entity content extension', () => {
  it('is titled Egress and shown only on entities with the namespace annotation', () => {
    const tester = createExtensionTester(egressEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Egress');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter(withNamespace)).toBe(true);
    expect(filter(withoutNamespace)).toBe(false);
    expect(
      filter({
        ...withNamespace,
        metadata: {
          name: 'blank',
          annotations: { 'backstage.io/kubernetes-namespace': '  ' },
        },
      }),
    ).toBe(false);
  });
});
