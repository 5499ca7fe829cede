import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { activeRequest, detailOf, fakeEgressApi, pendingRequest } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { RequestDetailDialog } from './RequestDetailDialog';

describe('RequestDetailDialog', () => {
  it('shows the manifests, per-cluster state and audit trail', async () => {
    await renderWithApis(<RequestDetailDialog requestId="req-1" onClose={jest.fn()} />, {
      api: fakeEgressApi(),
    });
    expect(await screen.findByLabelText('YAML for cluster dev')).toHaveTextContent('egress-api-stripe-com');
    const state = screen.getByRole('table', { name: 'Per-cluster state' });
    expect(state).toHaveTextContent('failed');
    expect(state).toHaveTextContent('3');
    expect(state).toHaveTextContent('cluster dev: webhook denied');
    const audit = screen.getByRole('table', { name: 'Audit trail' });
    expect(audit).toHaveTextContent('— → pending');
    expect(audit).toHaveTextContent('Card payments via Stripe');
  });

  it('names IP ranges, the resolution and the namespace lockdown', async () => {
    const cidr = {
      ...pendingRequest,
      hosts: undefined,
      addresses: ['203.0.113.0/24'],
      resolution: 'NONE' as const,
      ports: [{ number: 5432, protocol: 'TCP' as const }],
      viaEgressGateway: false,
      lockdownNamespace: true,
    };
    await renderWithApis(<RequestDetailDialog requestId="req-1" onClose={jest.fn()} />, {
      api: fakeEgressApi({ getRequest: async () => detailOf(cidr) }),
    });
    expect(await screen.findByText('IP ranges')).toBeInTheDocument();
    expect(screen.getByText('203.0.113.0/24')).toBeInTheDocument();
    expect(screen.queryByText('Hosts')).not.toBeInTheDocument();
    expect(screen.getByText('NONE')).toBeInTheDocument();
    expect(screen.getByText(/^Yes: only registered hosts are reachable from namespace payments/)).toBeInTheDocument();
  });

  it('lets the requester cancel a pending request after confirming', async () => {
    const api = fakeEgressApi();
    const onChanged = jest.fn();
    await renderWithApis(
      <RequestDetailDialog requestId="req-1" onClose={jest.fn()} onChanged={onChanged} />,
      { api, user: pendingRequest.requestedBy },
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel request' }));
    await userEvent.click(screen.getByRole('button', { name: 'Yes, cancel request' }));
    await waitFor(() => expect(api.cancel).toHaveBeenCalledWith('req-1', ''));
    expect(onChanged).toHaveBeenCalled();
  });

  it('offers no cancel to someone else', async () => {
    await renderWithApis(<RequestDetailDialog requestId="req-1" onClose={jest.fn()} />, {
      api: fakeEgressApi(),
      user: 'user:default/someone-else',
    });
    await screen.findByLabelText('YAML for cluster dev');
    expect(screen.queryByRole('button', { name: 'Cancel request' })).not.toBeInTheDocument();
  });

  it('revokes active access with a comment, given the revoke permission', async () => {
    const api = fakeEgressApi();
    await renderWithApis(<RequestDetailDialog requestId={activeRequest.id} onClose={jest.fn()} />, { api });
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke access' }));
    await userEvent.click(screen.getByLabelText('Comment'));
    await userEvent.paste('No longer needed');
    await userEvent.click(screen.getByRole('button', { name: 'Yes, revoke access' }));
    await waitFor(() => expect(api.revoke).toHaveBeenCalledWith(activeRequest.id, 'No longer needed'));
  });

  it('hides "Revoke access" without the revoke permission', async () => {
    await renderWithApis(<RequestDetailDialog requestId={activeRequest.id} onClose={jest.fn()} />, {
      api: fakeEgressApi(),
      grants: { revoke: false },
    });
    await screen.findByLabelText('YAML for cluster dev');
    expect(screen.queryByRole('button', { name: 'Revoke access' })).not.toBeInTheDocument();
  });

  it('shows the error when the request cannot be read', async () => {
    await renderWithApis(<RequestDetailDialog requestId="nope" onClose={jest.fn()} />, {
      api: fakeEgressApi({
        getRequest: async () => {
          throw new Error('Egress request nope not found');
        },
      }),
    });
    expect((await screen.findAllByText(/Egress request nope not found/)).length).toBeGreaterThan(0);
  });

  it("shows Istio's verdict per cluster and does not call a request Istio reports errors on plainly active", async () => {
    const istio = {
      verdict: 'error' as const,
      resources: [
        { kind: 'ServiceEntry', namespace: 'payments', name: 'se', verdict: 'accepted' as const, messages: [] },
        {
          kind: 'Gateway',
          namespace: 'payments',
          name: 'gw',
          verdict: 'error' as const,
          messages: [{ code: 'IST0101', level: 'ERROR', message: 'IST0101', docUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/' }],
        },
      ],
    };
    await renderWithApis(<RequestDetailDialog requestId={activeRequest.id} onClose={jest.fn()} />, {
      api: fakeEgressApi({
        getRequest: async () => ({
          ...detailOf(activeRequest),
          targets: [
            { requestId: activeRequest.id, cluster: 'dev', status: 'applied', attempts: 1, istio },
            { requestId: activeRequest.id, cluster: 'prod', status: 'applied', attempts: 1, istio: { verdict: 'accepted', resources: [] } },
          ],
        }),
      }),
    });
    const state = await screen.findByRole('table', { name: 'Per-cluster state' });
    expect(state).toHaveTextContent('Istio error: IST0101 on Gateway payments/gw');
    expect(state).toHaveTextContent('Istio: accepted');
    expect(screen.getByRole('link', { name: 'IST0101' })).toHaveAttribute('href', 'https://istio.io/latest/docs/reference/config/analysis/ist0101/');
    expect(screen.getByText('Active — Istio reports errors')).toBeInTheDocument();
    expect(screen.queryByText('Active', { exact: true })).not.toBeInTheDocument();
  });
});
