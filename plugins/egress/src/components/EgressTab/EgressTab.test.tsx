import { Entity } from '@backstage/catalog-model';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { egressEntityContent } from '../../alpha';
import {
  activeRequest,
  entity as withNamespace,
  entityEgress,
  entityRef,
  fakeEgressApi,
  fakeSignals,
  pendingRequest,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EgressTab } from './EgressTab';

const withoutNamespace: Entity = {
  ...withNamespace,
  metadata: { name: 'docs-site' },
};

/** Requests api.stripe.com on Development through the tab's form, as the policy needs approval. */
async function submitStripeRequest() {
  await userEvent.click(await screen.findByRole('button', { name: 'Request outbound access' }));
  const dialog = await screen.findByRole('dialog');
  await userEvent.click(within(dialog).getByLabelText('Hosts'));
  await userEvent.paste('api.stripe.com');
  await userEvent.click(within(dialog).getByLabelText('Development'));
  await userEvent.click(within(dialog).getByLabelText('Justification'));
  await userEvent.paste('Card payments via Stripe');
  expect(await within(dialog).findByText('Needs platform approval')).toBeInTheDocument();
  await userEvent.click(within(dialog).getByRole('button', { name: 'Submit request' }));
}

describe('EgressTab', () => {
  it('shows each target cluster with its mesh mode, Sidecar override and allowed hosts', async () => {
    const api = fakeEgressApi();
    await renderWithApis(<EgressTab />, { api });

    expect(await screen.findByText('Development')).toBeInTheDocument();
    expect(
      screen.getByText('All outbound traffic passes; registering a host makes it visible and controllable.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Only registered hosts are reachable; unregistered hosts are blocked.'),
    ).toBeInTheDocument();
    expect(screen.getByText(/overrides the mesh-wide mode/)).toBeInTheDocument();

    const devHosts = screen.getByRole('table', { name: 'Allowed hosts in Development' });
    expect(within(devHosts).getByRole('button', { name: 'hooks.slack.com' })).toBeInTheDocument();
    expect(within(devHosts).getByText('github.com')).toBeInTheDocument();
    expect(within(devHosts).getByText('Not managed here')).toBeInTheDocument();
    expect(within(devHosts).getByText('443/HTTPS')).toBeInTheDocument();

    expect(api.getEntity).toHaveBeenCalledWith(entityRef);
    expect(api.listRequests).toHaveBeenCalledWith(expect.objectContaining({ entityRef }));
  });

  it('uses the requests GET /entity carries instead of listing them', async () => {
    const api = fakeEgressApi({
      getEntity: async () => ({ ...entityEgress, requests: [pendingRequest] }),
    });
    await renderWithApis(<EgressTab />, { api });
    const history = await screen.findByRole('region', { name: 'Request history' });
    expect(within(history).getByRole('button', { name: 'api.stripe.com' })).toBeInTheDocument();
    expect(api.listRequests).not.toHaveBeenCalled();
  });

  it('shows the apply state GET /entity carries without a call per request', async () => {
    const api = fakeEgressApi({
      getEntity: async () => ({
        ...entityEgress,
        requests: [pendingRequest, activeRequest],
        targets: [{ requestId: activeRequest.id, cluster: 'dev', status: 'failed', attempts: 2, lastError: 'cluster dev: quota exceeded' }],
      }),
    });
    await renderWithApis(<EgressTab />, { api });
    const history = await screen.findByRole('region', { name: 'Request history' });
    expect(within(history).getByText(/dev: failed — cluster dev: quota exceeded/)).toBeInTheDocument();
    expect(api.getRequest).not.toHaveBeenCalled();
    expect(api.listRequests).not.toHaveBeenCalled();
  });

  it("shows Istio's verdict per cluster in the request history", async () => {
    const gatewayError = {
      verdict: 'error' as const,
      resources: [
        {
          kind: 'Gateway',
          namespace: 'payments',
          name: 'gw',
          verdict: 'error' as const,
          messages: [{ code: 'IST0145', level: 'ERROR', message: 'IST0145', docUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0145/' }],
        },
      ],
    };
    const api = fakeEgressApi({
      getEntity: async () => ({
        ...entityEgress,
        requests: [activeRequest],
        targets: [
          { requestId: activeRequest.id, cluster: 'dev', status: 'applied', attempts: 1, istio: { verdict: 'accepted', resources: [] } },
          { requestId: activeRequest.id, cluster: 'prod', status: 'applied', attempts: 1, istio: gatewayError },
        ],
      }),
    });
    await renderWithApis(<EgressTab />, { api });
    const history = await screen.findByRole('region', { name: 'Request history' });
    expect(within(history).getByText('Istio: accepted')).toBeInTheDocument();
    expect(within(history).getByText(/Istio error: .*on Gateway payments\/gw/)).toBeInTheDocument();
    expect(within(history).getByRole('link', { name: 'IST0145' })).toHaveAttribute('href', gatewayError.resources[0].messages[0].docUrl);
    expect(within(history).getByText('Active — Istio reports errors')).toBeInTheDocument();
  });

  it('shows a cluster error in that cluster while the other cluster renders', async () => {
    await renderWithApis(<EgressTab />, { api: fakeEgressApi() });

    expect(await screen.findByText('Error: Problem with cluster Production')).toBeInTheDocument();
    expect(screen.getAllByText('cluster prod: connection refused').length).toBeGreaterThan(0);
    expect(screen.getByRole('table', { name: 'Allowed hosts in Development' })).toBeInTheDocument();
  });

  it('lists the requests with status and per-cluster apply errors', async () => {
    await renderWithApis(<EgressTab />, { api: fakeEgressApi() });

    const history = await screen.findByRole('region', { name: 'Request history' });
    expect(within(history).getByText('Pending')).toBeInTheDocument();
    expect(within(history).getByText('Active')).toBeInTheDocument();
    expect(within(history).getByText(/dev: failed — cluster dev: webhook denied/)).toBeInTheDocument();
  });

  it('hides "Request outbound access" without the create permission', async () => {
    await renderWithApis(<EgressTab />, { api: fakeEgressApi(), grants: { create: false } });
    expect(await screen.findByText('Development')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Request outbound access' })).not.toBeInTheDocument();
  });

  it('shows "Request outbound access" with the create permission, confirms a submit and refreshes', async () => {
    const api = fakeEgressApi();
    // With signals the tab does not poll: the one refresh counted is the submit's, however slow the run.
    await renderWithApis(<EgressTab />, { api, signals: fakeSignals() });
    await submitStripeRequest();

    await waitFor(() => expect(api.createRequest).toHaveBeenCalledTimes(1));
    expect(
      await screen.findByText('Request for api.stripe.com sent: it waits for a platform-team decision. You will be notified.'),
    ).toBeInTheDocument();
    expect(api.createRequest.mock.calls[0][0]).toMatchObject({
      entityRef,
      clusters: ['dev'],
      hosts: ['api.stripe.com'],
      ports: [{ number: 443, protocol: 'HTTPS' }],
      viaEgressGateway: true,
    });
    await waitFor(() => expect(api.getEntity).toHaveBeenCalledTimes(2));
    expect(pendingRequest.status).toBe('pending');
  });

  it('keeps the confirmation true as the request moves on: it says so once approved and applied', async () => {
    let requests = [pendingRequest];
    const api = fakeEgressApi({ getEntity: async () => ({ ...entityEgress, requests }) });
    const signals = fakeSignals();
    await renderWithApis(<EgressTab />, { api, signals });
    await submitStripeRequest();
    const toast = await screen.findByText(/it waits for a platform-team decision/);

    requests = [{ ...pendingRequest, status: 'active' }];
    act(() => signals.send({ requestId: pendingRequest.id, entityRef, status: 'active', action: 'transition' }));
    await waitFor(() => expect(toast).toHaveTextContent('Request for api.stripe.com was approved and is active on dev.'));
    expect(screen.queryByText(/waits for a platform-team decision/)).not.toBeInTheDocument();
  });

  it('shows the backend error instead of the tab', async () => {
    const api = fakeEgressApi({
      getEntity: async () => {
        throw new Error('egress backend unavailable');
      },
    });
    await renderWithApis(<EgressTab />, { api });

    expect(
      await screen.findByText('Error: egress backend unavailable', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('turns a request Active without reload when the backend signals its change, and says when it updated', async () => {
    let requests = [pendingRequest];
    const api = fakeEgressApi({ getEntity: async () => ({ ...entityEgress, requests }) });
    const signals = fakeSignals();
    await renderWithApis(<EgressTab />, { api, signals });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Request history' })).getByText('Pending')).toBeInTheDocument());
    requests = [{ ...pendingRequest, status: 'active' }];
    // Another entity's change does not reload this tab.
    act(() => signals.send({ requestId: 'other', entityRef: 'component:default/other', status: 'active', action: 'transition' }));
    expect(api.getEntity).toHaveBeenCalledTimes(1);
    act(() => signals.send({ requestId: pendingRequest.id, entityRef, status: 'active', action: 'transition' }));
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Request history' })).getByText('Active')).toBeInTheDocument());
    expect(api.getEntity).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('last-updated')).toHaveTextContent(/^Updated \d[^(]*$/);
  });

  it('shows the state the backend derives from the clusters, with its explanation', async () => {
    const degraded = {
      ...activeRequest,
      displayState: { status: 'degraded' as const, message: 'Applied on dev; prod failed: connection refused' },
    };
    await renderWithApis(<EgressTab />, { api: fakeEgressApi({ getEntity: async () => ({ ...entityEgress, requests: [degraded] }) }) });
    await waitFor(() => expect(screen.getByText('Degraded')).toBeInTheDocument());
    expect(screen.getByText('Degraded').closest('[title]')).toHaveAttribute('title', 'Applied on dev; prod failed: connection refused');
  });

  it('explains the missing annotation instead of calling the backend', async () => {
    const api = fakeEgressApi();
    await renderWithApis(
      <EntityProvider entity={withoutNamespace}>
        <EgressTab />
      </EntityProvider>,
      { api },
    );
    expect(await screen.findByText('No Kubernetes namespace for this entity')).toBeInTheDocument();
    expect(api.getEntity).not.toHaveBeenCalled();
  });
});

describe('egress entity content extension', () => {
  it('is titled Egress and shown only on entities with the namespace annotation', () => {
    const tester = createExtensionTester(egressEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Egress');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(withNamespace)).toBe(true);
    expect(filter(withoutNamespace)).toBe(false);
    expect(
      filter({
        ...withNamespace,
        metadata: { name: 'blank', annotations: { 'backstage.io/kubernetes-namespace': '  ' } },
      }),
    ).toBe(false);
  });
});
