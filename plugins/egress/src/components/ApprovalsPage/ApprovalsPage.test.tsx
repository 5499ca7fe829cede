import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { fakeEgressApi, pendingRequest } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { ApprovalsPage } from './ApprovalsPage';

const wildcardHttp = {
  ...pendingRequest,
  id: 'req-2',
  hosts: ['*.example.com'],
  ports: [{ number: 80, protocol: 'HTTP' as const }],
  viaEgressGateway: false,
  requestedBy: 'user:default/sam',
};

async function openRequest(host: string) {
  await userEvent.click(await screen.findByRole('button', { name: host }));
  return screen.findByRole('dialog');
}

describe('ApprovalsPage', () => {
  it('lists pending requests with risk flags as chips', async () => {
    const api = fakeEgressApi({ listRequests: async () => ({ items: [pendingRequest, wildcardHttp] }) });
    await renderWithApis(<ApprovalsPage />, { api });

    const table = await screen.findByRole('table', { name: 'Pending requests' });
    expect(within(table).getByText('Wildcard host')).toBeInTheDocument();
    expect(within(table).getByText('Plain HTTP')).toBeInTheDocument();
    expect(within(table).getByText('No gateway')).toBeInTheDocument();
    expect(within(table).getAllByText('Not on allow-list')).toHaveLength(2);
    expect(api.listRequests).toHaveBeenCalledWith(expect.objectContaining({ status: ['pending'] }));
  });

  it('filters by cluster, entity and risk', async () => {
    const api = fakeEgressApi({ listRequests: async () => ({ items: [pendingRequest, wildcardHttp] }) });
    await renderWithApis(<ApprovalsPage />, { api });
    await screen.findByRole('table', { name: 'Pending requests' });

    await userEvent.selectOptions(screen.getByLabelText('Cluster'), 'prod');
    await waitFor(() =>
      expect(api.listRequests).toHaveBeenLastCalledWith(expect.objectContaining({ cluster: 'prod' })),
    );
    await userEvent.click(screen.getByLabelText('Entity'));
    await userEvent.paste('component:default/payments-api');
    await waitFor(() =>
      expect(api.listRequests).toHaveBeenLastCalledWith(
        expect.objectContaining({ entityRef: 'component:default/payments-api', cluster: 'prod' }),
      ),
    );
    await userEvent.selectOptions(screen.getByLabelText('Risk'), 'wildcard');
    expect(await screen.findByRole('button', { name: '*.example.com' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'api.stripe.com' })).not.toBeInTheDocument();
  });

  it('keeps the filter labels above their values and lists every host of a request', async () => {
    const twoHosts = { ...wildcardHttp, id: 'req-3', hosts: ['hooks.slack.com', 'api.pagerduty.com'] };
    const api = fakeEgressApi({ listRequests: async () => ({ items: [twoHosts] }) });
    await renderWithApis(<ApprovalsPage />, { api });
    const table = await screen.findByRole('table', { name: 'Pending requests' });
    for (const label of ['Cluster', 'Entity', 'Risk']) {
      expect(screen.getByText(label, { selector: 'label' })).toHaveAttribute('data-shrink', 'true');
    }
    expect(within(table).getByRole('button', { name: 'hooks.slack.com, api.pagerduty.com' })).toBeInTheDocument();
  });

  it('shows decided requests on the History tab', async () => {
    const api = fakeEgressApi();
    await renderWithApis(<ApprovalsPage />, { api });
    await userEvent.click(screen.getByRole('tab', { name: 'History' }));
    await waitFor(() =>
      expect(api.listRequests).toHaveBeenLastCalledWith(
        expect.objectContaining({ status: expect.arrayContaining(['approved', 'rejected', 'revoked']) }),
      ),
    );
  });

  it('opens a request with its YAML and approves it with the comment', async () => {
    const api = fakeEgressApi();
    await renderWithApis(<ApprovalsPage />, { api });
    const dialog = await openRequest('api.stripe.com');

    expect(await within(dialog).findByLabelText('YAML for cluster dev')).toHaveTextContent('kind: ServiceEntry');
    expect(within(dialog).getByText('cluster dev: webhook denied')).toBeInTheDocument();
    expect(within(dialog).getByRole('table', { name: 'Audit trail' })).toHaveTextContent('jane');
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
    expect(await screen.findByText('No requests waiting for a decision')).toBeInTheDocument();
  });

  it('shows the error when the queue cannot be read', async () => {
    const api = fakeEgressApi({
      listRequests: async () => {
        throw new Error('You are not allowed to read egress requests');
      },
    });
    await renderWithApis(<ApprovalsPage />, { api });
    expect((await screen.findAllByText(/not allowed to read egress requests/)).length).toBeGreaterThan(0);
    expect(api.listRequests).toHaveBeenCalledTimes(1);
  });
});
