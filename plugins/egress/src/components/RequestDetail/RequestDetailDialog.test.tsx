import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { EgressRequestRecord } from '@backstage-egress/plugin-egress-common';
import { activeRequest, detailOf, fakeEgressApi, fakeSignals, pendingRequest } from '../../__testUtils__/fixtures';
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

  it('shows the gateway mode the request asked for, or the clusters\' own', async () => {
    const mutual = { ...pendingRequest, viaEgressGateway: true, gatewayMode: 'mutual' as const };
    await renderWithApis(<RequestDetailDialog requestId="req-1" onClose={jest.fn()} />, {
      api: fakeEgressApi({ getRequest: async () => detailOf(mutual) }),
    });
    expect(await screen.findByText('Gateway mode')).toBeInTheDocument();
    expect(screen.getByText('mutual (asked for by the request)')).toBeInTheDocument();
  });

  it('says a gateway request without a mode takes each cluster\'s', async () => {
    await renderWithApis(<RequestDetailDialog requestId="req-1" onClose={jest.fn()} />, {
      api: fakeEgressApi({ getRequest: async () => detailOf({ ...pendingRequest, viaEgressGateway: true }) }),
    });
    expect(await screen.findByText("each cluster's own")).toBeInTheDocument();
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

  it('follows the actions the backend allows, and says why one is not', async () => {
    const withActions = {
      ...activeRequest,
      actions: [
        { name: 'approve' as const, allowed: false, reason: 'The request is active' },
        { name: 'reject' as const, allowed: false, reason: 'The request is active' },
        { name: 'cancel' as const, allowed: false, reason: 'Only pending requests can be cancelled' },
        { name: 'revoke' as const, allowed: false, reason: 'Only the owners of payments-api or the platform team may revoke' },
      ],
    };
    // The permission API would allow revoking: the backend's answer wins.
    await renderWithApis(<RequestDetailDialog requestId="req-0" allowDecision onClose={jest.fn()} />, {
      api: fakeEgressApi({ getRequest: async () => detailOf(withActions) }),
    });
    expect(await screen.findByRole('button', { name: 'Revoke access' })).toBeDisabled();
    expect(screen.getByText('Only the owners of payments-api or the platform team may revoke')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel request' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
  });

  it('shows the backend\'s risk flags and refreshes on a signal about this request', async () => {
    let request = { ...pendingRequest, riskFlags: [{ code: 'wildcard' as const, message: 'wildcard host' }] };
    const api = fakeEgressApi({ getRequest: async () => detailOf(request) });
    const signals = fakeSignals();
    await renderWithApis(<RequestDetailDialog requestId="req-1" onClose={jest.fn()} />, { api, signals });
    expect(await screen.findByText('Wildcard host')).toBeInTheDocument();
    expect(screen.getByText('Pending')).toBeInTheDocument();
    request = { ...request, status: 'active' };
    act(() => signals.send({ requestId: 'someone-else', entityRef: 'x', status: 'active', action: 'transition' }));
    expect(api.getRequest).toHaveBeenCalledTimes(1);
    act(() => signals.send({ requestId: 'req-1', entityRef: 'x', status: 'active', action: 'transition' }));
    expect(await screen.findByText('Active')).toBeInTheDocument();
    expect(screen.getByTestId('last-updated')).toHaveTextContent(/^Updated /);
  });

  it('shows an approved request as Applying, not Active, until the backend says its clusters have it', async () => {
    let request: EgressRequestRecord = pendingRequest;
    const applying: EgressRequestRecord = {
      ...pendingRequest,
      status: 'approved',
      displayState: { status: 'progressing', message: 'Applying: 0 of 2 clusters applied' },
    };
    const api = fakeEgressApi({
      getRequest: async () => detailOf(request),
      approve: async () => {
        request = applying;
        return applying;
      },
    });
    const signals = fakeSignals();
    await renderWithApis(<RequestDetailDialog requestId="req-1" allowDecision onClose={jest.fn()} />, { api, signals });
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('Applying')).toBeInTheDocument();
    expect(screen.queryByText('Active')).not.toBeInTheDocument();

    // The reconciler applied it: the backend's signal brings the new state.
    request = { ...applying, status: 'active', displayState: { status: 'active', message: 'Active on dev, prod' } };
    act(() => signals.send({ requestId: 'req-1', entityRef: request.entityRef, status: 'active', action: 'transition' }));
    expect(await screen.findByText('Active')).toBeInTheDocument();
    expect(screen.queryByText('Applying')).not.toBeInTheDocument();
  });
});
