import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeEgressApi, fakeSignals, pendingRequest } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { ApprovalsPage } from './ApprovalsPage';

const wildcardHttp = {
  ...pendingRequest,
  id: 'req-2',
  hosts: ['*.example.com'],
  ports: [{ number: 80, protocol: 'HTTP' as const }],
  viaEgressGateway: false,
  requestedBy: 'user:default/sam',
  riskFlags: [
    { code: 'wildcard' as const, message: 'wildcard host *.example.com allows every host below it' },
    { code: 'plain-http' as const, message: 'plain HTTP on port 80 is unencrypted' },
    { code: 'no-gateway' as const, message: 'traffic bypasses the egress gateway' },
    { code: 'not-allow-listed' as const, message: '*.example.com not on the auto-approve list' },
  ],
};

async function openRequest(host: string) {
  // The table re-creates its rows when the owners arrive (its columns change):
  // wait for them, then click in one synchronous step so the row cannot be
  // replaced between pointer events, as happened on a loaded CI machine.
  await screen.findAllByRole('link', { name: 'payments-team' });
  fireEvent.click(screen.getByRole('button', { name: host }));
  return screen.findByRole('dialog');
}

describe('ApprovalsPage', () => {
  it('lists pending requests with risk flags as chips', async () => {
    const api = fakeEgressApi({ listRequests: async () => ({ items: [pendingRequest, wildcardHttp] }) });
    await renderWithApis(<ApprovalsPage />, { api });

    const table = await screen.findByRole('region', { name: 'Pending requests' });
    expect(within(table).getByText('Wildcard host')).toBeInTheDocument();
    expect(within(table).getByText('Plain HTTP')).toBeInTheDocument();
    expect(within(table).getByText('No gateway')).toBeInTheDocument();
    expect(within(table).getAllByText('Not on allow-list')).toHaveLength(2);
    expect(api.listRequests).toHaveBeenCalledWith(expect.objectContaining({ status: ['pending'] }));
  });

  it('shows the risk flags the backend gives, and none it does not', async () => {
    // The backend auto-approved this host: it flags nothing, and the page adds nothing.
    const github = { ...pendingRequest, id: 'req-9', hosts: ['api.github.com'], riskFlags: [] };
    const api = fakeEgressApi({ listRequests: async () => ({ items: [github] }) });
    await renderWithApis(<ApprovalsPage />, { api });
    const table = await screen.findByRole('region', { name: 'Pending requests' });
    await within(table).findByRole('button', { name: 'api.github.com' });
    expect(within(table).queryByText('Not on allow-list')).not.toBeInTheDocument();
    expect(within(table).getByText('None')).toBeInTheDocument();
  });

  it('gives the approver the decision context: justification, entity and owner, requester, age, expiry, mesh mode', async () => {
    const api = fakeEgressApi({ listRequests: async () => ({ items: [{ ...pendingRequest, clusters: ['dev', 'prod'] }] }) });
    await renderWithApis(<ApprovalsPage />, { api });
    expect(await screen.findByRole('link', { name: 'payments-team' })).toHaveAttribute('href', '/catalog/default/group/payments-team');
    const table = screen.getByRole('region', { name: 'Pending requests' });
    expect(within(table).getByText('Card payments via Stripe')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'payments-api' })).toHaveAttribute('href', '/catalog/default/component/payments-api');
    expect(within(table).getByText('by jane')).toBeInTheDocument();
    expect(within(table).getByText(/days ago|h ago|min ago/)).toBeInTheDocument();
    expect(within(table).getByText('expires never')).toBeInTheDocument();
    expect(within(table).getByText('(allows any host)')).toBeInTheDocument();
    expect(within(table).getByText('(blocks unregistered hosts)')).toBeInTheDocument();
  });

  it('takes a plain entity name in the entity filter', async () => {
    const api = fakeEgressApi();
    await renderWithApis(<ApprovalsPage />, { api });
    await screen.findByRole('region', { name: 'Pending requests' });
    await userEvent.click(screen.getByLabelText('Entity'));
    await userEvent.paste('payments-api');
    await waitFor(() =>
      expect(api.listRequests).toHaveBeenLastCalledWith(expect.objectContaining({ entityRef: 'component:default/payments-api' })),
    );
  });

  it('shows a new request without reload when the backend signals it', async () => {
    let items = [pendingRequest];
    const api = fakeEgressApi({ listRequests: async () => ({ items }) });
    const signals = fakeSignals();
    await renderWithApis(<ApprovalsPage />, { api, signals });
    const table = await screen.findByRole('region', { name: 'Pending requests' });
    await within(table).findByRole('button', { name: 'api.stripe.com' });
    items = [wildcardHttp, pendingRequest];
    act(() => signals.send({ requestId: wildcardHttp.id, entityRef: wildcardHttp.entityRef, status: 'pending', action: 'created' }));
    // The table re-creates its rows as data arrives: assert on the current DOM.
    await waitFor(() => expect(screen.getByRole('button', { name: '*.example.com' })).toBeInTheDocument());
    expect(api.listRequests).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('last-updated')).toHaveTextContent(/^Updated \S+/);
    expect(screen.getByTestId('last-updated')).not.toHaveTextContent('refreshes');
  });

  it('says it polls when the app has no signals', async () => {
    await renderWithApis(<ApprovalsPage />, { api: fakeEgressApi() });
    expect(await screen.findByTestId('last-updated')).toHaveTextContent(/^Updated \S+.*\(refreshes every few seconds\)$/);
  });

  it('opens a request with its YAML and approves it with the comment', async () => {
    const api = fakeEgressApi();
    await renderWithApis(<ApprovalsPage />, { api });
    const dialog = await openRequest('api.stripe.com');

    expect(await within(dialog).findByLabelText('YAML for cluster dev')).toHaveTextContent('kind: ServiceEntry');
    expect(within(dialog).getByText('cluster dev: webhook denied')).toBeInTheDocument();
    expect(within(dialog).getByRole('region', { name: 'Audit trail' })).toHaveTextContent('jane');
    await userEvent.click(within(dialog).getByLabelText('Comment'));
    await userEvent.paste('Stripe is fine');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(api.approve).toHaveBeenCalledWith('req-1', 'Stripe is fine'));
  });

  it('rejects only with a comment', async () => {
    const api = fakeEgressApi();
    await renderWithApis(<ApprovalsPage />, { api });
    const dialog = await openRequest('api.stripe.com');

    await userEvent.click(await within(dialog).findByRole('button', { name: 'Reject' }));
    expect(within(dialog).getByText('A comment is required to reject a request')).toBeInTheDocument();
    expect(api.reject).not.toHaveBeenCalled();

    await userEvent.click(within(dialog).getByLabelText('Comment'));
    await userEvent.paste('Use the payments proxy');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(api.reject).toHaveBeenCalledWith('req-1', 'Use the payments proxy'));
  });

  it('hides Approve and Reject without the approve permission', async () => {
    await renderWithApis(<ApprovalsPage />, { api: fakeEgressApi(), grants: { approve: false } });
    const dialog = await openRequest('api.stripe.com');
    await within(dialog).findByLabelText('YAML for cluster dev');
    expect(within(dialog).queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Reject' })).not.toBeInTheDocument();
  });

  it('disables Approve and Reject on one\'s own request and says why', async () => {
    await renderWithApis(<ApprovalsPage />, { api: fakeEgressApi(), user: 'user:default/jane' });
    const dialog = await openRequest('api.stripe.com');
    expect(await within(dialog).findByText('You cannot approve or reject your own request')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Approve' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Reject' })).toBeDisabled();
  });

  it('shows an empty queue', async () => {
    const api = fakeEgressApi({ listRequests: async () => ({ items: [] }) });
    await renderWithApis(<ApprovalsPage />, { api });
    await waitFor(() => expect(screen.getByText(/No requests waiting for a decision/)).toBeInTheDocument());
  });

  it('shows the error when the queue cannot be read', async () => {
    const api = fakeEgressApi({
      listRequests: async () => {
        throw new Error('You are not allowed to read egress requests');
      },
    });
    // With signals the page does not poll: one read, however slow the run.
    await renderWithApis(<ApprovalsPage />, { api, signals: fakeSignals() });
    expect((await screen.findAllByText(/not allowed to read egress requests/)).length).toBeGreaterThan(0);
    expect(api.listRequests).toHaveBeenCalledTimes(1);
  });
  it('lists orphaned resources per cluster and removes one after confirmation', async () => {
    const orphan = {
      cluster: 'dev',
      kind: 'ServiceEntry' as const,
      namespace: 'payments',
      name: 'api-lost-example-1a2b3c4d',
      requestId: 'gone',
      reason: 'unknown-request' as const,
      message: 'request gone is not in the database',
    };
    let remaining = [orphan];
    const api = fakeEgressApi({
      listOrphans: async () => [{ cluster: 'dev', synced: true, orphans: remaining }, { cluster: 'prod', synced: false, error: 'unreachable', orphans: [] }],
      removeOrphan: async input => {
        remaining = [];
        return { ...orphan, ...input, kind: 'ServiceEntry' };
      },
    });
    await renderWithApis(<ApprovalsPage />, { api });
    await userEvent.click(screen.getByRole('tab', { name: 'Orphaned resources' }));
    const dev = await screen.findByRole('region', { name: 'Orphaned resources on dev' });
    expect(within(dev).getByText('payments/api-lost-example-1a2b3c4d')).toBeInTheDocument();
    expect(within(dev).getByText('request gone is not in the database')).toBeInTheDocument();
    expect(screen.getByText(/prod: the cluster's cache has not synced \(unreachable\)/)).toBeInTheDocument();

    await userEvent.click(within(dev).getByRole('button', { name: 'Remove ServiceEntry payments/api-lost-example-1a2b3c4d from dev' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Comment (optional)'), 'restore leftover');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() =>
      expect(api.removeOrphan).toHaveBeenCalledWith({ cluster: 'dev', kind: 'ServiceEntry', namespace: 'payments', name: 'api-lost-example-1a2b3c4d', comment: 'restore leftover' }),
    );
    expect(await screen.findByText('dev: no orphaned resources')).toBeInTheDocument();
  });
});
