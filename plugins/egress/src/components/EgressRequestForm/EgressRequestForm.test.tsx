import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EgressApi } from '../../api/EgressApi';
import { entityRef, fakeEgressApi, preview } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { EgressRequestForm } from './EgressRequestForm';

const choices = [
  { name: 'dev', title: 'Development' },
  { name: 'prod', title: 'Production' },
];

async function renderForm(api: EgressApi, onCreated = jest.fn()) {
  await renderWithApis(
    <EgressRequestForm entityRef={entityRef} namespace="payments" clusters={choices} onCreated={onCreated} />,
    { api },
  );
  return onCreated;
}

async function fill(label: string, text: string) {
  const field = screen.getByLabelText(label);
  await userEvent.clear(field);
  await userEvent.click(field);
  await userEvent.paste(text);
}

async function fillValidDraft() {
  await fill('Hosts', 'api.stripe.com');
  await userEvent.click(screen.getByLabelText('Development'));
  await fill('Justification', 'Card payments via Stripe');
}

describe('EgressRequestForm', () => {
  it('has the labelled inputs, the gateway on by default', async () => {
    await renderForm(fakeEgressApi());
    expect(screen.getByLabelText('Hosts')).toBeInTheDocument();
    expect(screen.getByLabelText('Port')).toHaveValue(443);
    const protocol = screen.getByLabelText('Protocol');
    expect(protocol).toHaveValue('HTTPS');
    expect(
      Array.from((protocol as HTMLSelectElement).options).map(o => o.value).sort(),
    ).toEqual(['GRPC', 'HTTP', 'HTTP2', 'HTTPS', 'TCP', 'TLS']);
    expect(screen.getByLabelText('Development')).not.toBeChecked();
    expect(screen.getByLabelText('Production')).not.toBeChecked();
    expect(screen.getByLabelText('Route through the egress gateway')).toBeChecked();
    expect(screen.getByLabelText('Justification')).toBeInTheDocument();
    expect(screen.getByLabelText('Expires on')).toBeInTheDocument();
  });

  it('shows the validator message for the host *', async () => {
    const api = fakeEgressApi();
    await renderForm(api);
    await fill('Hosts', '*');
    expect(
      await screen.findByText(
        '"*" would allow every host on the internet; name a domain such as "*.example.com"',
      ),
    ).toBeInTheDocument();
    // The preview is debounced (300 ms): wait past it, or "not called" proves nothing.
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(api.preview).not.toHaveBeenCalled();
  });

  it('shows the validator message for port 70000', async () => {
    await renderForm(fakeEgressApi());
    await fill('Port', '70000');
    expect(await screen.findByText('70000 is not a port (1-65535)')).toBeInTheDocument();
  });

  it('disables Submit on an incomplete form and says why, in plain words', async () => {
    const api = fakeEgressApi();
    await renderForm(api);
    const submit = screen.getByRole('button', { name: 'Submit request' });
    expect(submit).toBeDisabled();
    expect(submit).toHaveAccessibleDescription(
      'Submit is available once these 3 are fixed: choose at least one cluster; give at least one host (or IP ranges); say why the workloads need this access',
    );
    expect(api.createRequest).not.toHaveBeenCalled();
  });

  it('shows the wildcard-through-the-gateway error next to the gateway before any submit', async () => {
    const api = fakeEgressApi();
    await renderForm(api);
    await fill('Hosts', '*.stripe.com');
    // The gateway checkbox was never touched: its error shows all the same.
    const gateway = screen.getByLabelText('Route through the egress gateway');
    expect(gateway).toHaveAccessibleDescription(/"\*\.stripe\.com" is a wildcard; the gateway would need resolution NONE/);
    expect(screen.getByRole('button', { name: 'Submit request' })).toBeDisabled();
  });

  it('shows the preview\'s warnings and conflicts next to Hosts, with a link to the covering request', async () => {
    const covering = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const api = fakeEgressApi({
      preview: async () => ({
        valid: false,
        errors: [
          {
            path: 'hosts[0]',
            code: 'host-already-covered',
            message: `hosts[0]: api.stripe.com in namespace payments on cluster dev is already covered by request ${covering} (active)`,
          },
        ],
        warnings: [
          {
            path: 'hosts[0]',
            code: 'host-declared-unmanaged',
            message: 'hosts[0]: api.stripe.com is already declared by ServiceEntry payments/stripe on cluster dev, which is not managed by backstage-egress',
          },
        ],
        riskFlags: [],
        manifests: [],
      }),
    });
    await renderForm(api);
    await fillValidDraft();
    const link = await screen.findByRole('button', { name: `request ${covering.slice(0, 8)}` });
    const hosts = screen.getByLabelText('Hosts');
    expect(hosts).toHaveAttribute('aria-invalid', 'true');
    expect(hosts).toHaveAccessibleDescription(/is already covered by request 0f8fad5b \(active\)/);
    expect(hosts).toHaveAccessibleDescription(/Warning: api.stripe.com is already declared by ServiceEntry payments\/stripe/);
    expect(screen.getByRole('button', { name: 'Submit request' })).toBeDisabled();
    await userEvent.click(link);
    expect(api.getRequest).toHaveBeenCalledWith(covering);
  });

  it('shows no YAML for a denied draft, and the denial next to its field', async () => {
    const api = fakeEgressApi({ preview: async () => preview('denied') });
    await renderForm(api);
    await fillValidDraft();
    await screen.findByText('Denied: api.stripe.com is on the deny-list');
    expect(screen.queryByText('What will be applied')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Hosts')).toHaveAccessibleDescription(
      "Not allowed by the platform's policy: api.stripe.com is on the deny-list",
    );
  });

  it('offers only the protocols the policy allows, from GET /policy', async () => {
    const api = fakeEgressApi({
      getPolicy: async () => ({ allowedProtocols: ['HTTPS', 'TLS'], requireJustification: false, allowWildcards: false, allowCidrs: false, requireEgressGateway: false }),
    });
    await renderForm(api);
    await waitFor(() =>
      expect(Array.from((screen.getByLabelText('Protocol') as HTMLSelectElement).options).map(o => o.value)).toEqual(['HTTPS', 'TLS']),
    );
    // No justification needed by this policy: hosts and a cluster are enough.
    await fill('Hosts', 'api.stripe.com');
    await userEvent.click(screen.getByLabelText('Development'));
    await screen.findByText('Needs platform approval');
    expect(screen.getByRole('button', { name: 'Submit request' })).toBeEnabled();
  });

  it.each([
    ['auto-approve', 'Will be auto-approved'],
    ['needs-approval', 'Needs platform approval'],
    ['denied', 'Denied: api.stripe.com is on the deny-list'],
  ] as const)('shows the verdict %s as "%s"', async (verdict, text) => {
    const api = fakeEgressApi({ preview: async () => preview(verdict) });
    await renderForm(api);
    await fillValidDraft();
    expect(await screen.findByText(text)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Submit request' })).toHaveProperty(
      'disabled',
      verdict === 'denied',
    );
  });

  it('shows the YAML from the preview per cluster', async () => {
    const api = fakeEgressApi();
    await renderForm(api);
    await fillValidDraft();
    const yaml = await screen.findByLabelText('YAML for cluster dev');
    expect(yaml).toHaveTextContent('kind: ServiceEntry');
    expect(api.preview).toHaveBeenLastCalledWith(
      expect.objectContaining({ entityRef, clusters: ['dev'], hosts: ['api.stripe.com'] }),
    );
  });

  it('submits the draft and hands back the created request', async () => {
    const api = fakeEgressApi();
    const onCreated = await renderForm(api);
    await fillValidDraft();
    await fill('Expires on', '2099-01-31');
    await screen.findByText('Needs platform approval');
    await userEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(api.createRequest.mock.calls[0][0].expiresAt).toMatch(/^2099-0[12]-\d\dT.*Z$/);
  });

  it('shows why the backend refused the request', async () => {
    const api = fakeEgressApi({
      createRequest: async () => {
        throw new Error('Denied by policy (deniedHosts): api.stripe.com is on the deny-list');
      },
    });
    const onCreated = await renderForm(api);
    await fillValidDraft();
    await screen.findByText('Needs platform approval');
    await userEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    expect(await screen.findByText(/The request was not created/)).toBeInTheDocument();
    expect(screen.getAllByText(/api.stripe.com is on the deny-list/).length).toBeGreaterThan(0);
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('sends every port row to the preview and on submit, and removes a row', async () => {
    const api = fakeEgressApi();
    const onCreated = await renderForm(api);
    await fillValidDraft();
    await userEvent.click(screen.getByLabelText('Route through the egress gateway'));
    await userEvent.click(screen.getByRole('button', { name: 'Add port' }));
    await fill('Port 2', '8443');
    await userEvent.selectOptions(screen.getByLabelText('Protocol 2'), 'TLS');
    await userEvent.click(screen.getByRole('button', { name: 'Add port' }));
    await fill('Port 3', '80');
    await userEvent.selectOptions(screen.getByLabelText('Protocol 3'), 'HTTP');
    await waitFor(() =>
      expect(api.preview).toHaveBeenLastCalledWith(
        expect.objectContaining({
          ports: [
            { number: 443, protocol: 'HTTPS' },
            { number: 8443, protocol: 'TLS' },
            { number: 80, protocol: 'HTTP' },
          ],
        }),
      ),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Remove port 2' }));
    expect(screen.getByLabelText('Port 2')).toHaveValue(80);
    expect(screen.queryByLabelText('Port 3')).not.toBeInTheDocument();
    await screen.findByText('Needs platform approval');
    await userEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(api.createRequest.mock.calls[0][0].ports).toEqual([
      { number: 443, protocol: 'HTTPS' },
      { number: 80, protocol: 'HTTP' },
    ]);
  });

  it("shows the validator's message on the row it is about", async () => {
    await renderForm(fakeEgressApi());
    await userEvent.click(screen.getByRole('button', { name: 'Add port' }));
    await fill('Port 2', '443');
    expect(
      await screen.findByText('port 443 is already listed as port row 1; one protocol per port'),
    ).toBeInTheDocument();
  });

  it('sends IP ranges with resolution NONE, without hosts and without the gateway', async () => {
    const api = fakeEgressApi();
    const onCreated = await renderForm(api);
    await fill('Hosts', 'api.stripe.com');
    await userEvent.click(screen.getByLabelText('IP ranges (CIDR)'));
    expect(screen.queryByLabelText('Hosts')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Route through the egress gateway')).not.toBeChecked();
    await fill('Addresses', '203.0.113.0/24\n198.51.100.0/25');
    await userEvent.selectOptions(screen.getByLabelText('Protocol'), 'TCP');
    await fill('Port', '5432');
    await userEvent.click(screen.getByLabelText('Development'));
    await fill('Justification', 'Partner database over TCP');
    await screen.findByText('Needs platform approval');
    await userEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    const sent = api.createRequest.mock.calls[0][0];
    expect(sent).toMatchObject({
      addresses: ['203.0.113.0/24', '198.51.100.0/25'],
      resolution: 'NONE',
      ports: [{ number: 5432, protocol: 'TCP' }],
      viaEgressGateway: false,
    });
    expect(sent.hosts).toBeUndefined();
  });

  it('shows the validator message for a range with host bits', async () => {
    await renderForm(fakeEgressApi());
    await userEvent.click(screen.getByLabelText('IP ranges (CIDR)'));
    await fill('Addresses', '203.0.113.7/24');
    expect(
      await screen.findByText(
        '"203.0.113.7/24" has bits set beyond the /24 prefix; did you mean 203.0.113.0/24?',
      ),
    ).toBeInTheDocument();
  });

  it('asks for IP ranges when none are given', async () => {
    await renderForm(fakeEgressApi());
    await userEvent.click(screen.getByLabelText('IP ranges (CIDR)'));
    await fill('Addresses', ' ');
    expect(await screen.findByText('give at least one host (or IP ranges)')).toBeInTheDocument();
  });

  it('sends the namespace lockdown only when asked for', async () => {
    const api = fakeEgressApi();
    const onCreated = await renderForm(api);
    await fillValidDraft();
    await waitFor(() => expect(api.preview).toHaveBeenCalled());
    expect(api.preview.mock.calls.at(-1)![0].lockdownNamespace).toBeUndefined();
    await userEvent.click(
      screen.getByLabelText('Lock down the namespace (only registered hosts reachable)'),
    );
    await waitFor(() =>
      expect(api.preview).toHaveBeenLastCalledWith(expect.objectContaining({ lockdownNamespace: true })),
    );
    await screen.findByText('Needs platform approval');
    await userEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(api.createRequest.mock.calls[0][0].lockdownNamespace).toBe(true);
  });

  it('sends the namespace NetworkPolicy when asked for, and shows the preview\'s sentence on it next to the checkbox', async () => {
    const sentence =
      'namespaceNetworkPolicy: on cluster dev the NetworkPolicy egress-network-policy lets pods in payments open connections only to istiod (istio-system, port 15012), the egress gateway\'s pods (istio-system, istio=egressgateway) and cluster DNS (kube-system, port 53); everything else is blocked, direct egress and other in-cluster services included';
    const api = fakeEgressApi({
      preview: async (draft: any) => ({
        ...preview('needs-approval'),
        warnings: draft.namespaceNetworkPolicy ? [{ path: 'namespaceNetworkPolicy', code: 'network-policy', message: sentence }] : [],
      }),
    });
    const onCreated = await renderForm(api);
    await fillValidDraft();
    await waitFor(() => expect(api.preview).toHaveBeenCalled());
    expect(api.preview.mock.calls.at(-1)![0].namespaceNetworkPolicy).toBeUndefined();
    const checkbox = screen.getByLabelText('Apply the namespace NetworkPolicy (pods reach only istiod, the egress gateway and DNS)');
    expect(checkbox).toHaveAccessibleDescription(/Adds a Kubernetes NetworkPolicy to namespace payments/);
    await userEvent.click(checkbox);
    await waitFor(() =>
      expect(api.preview).toHaveBeenLastCalledWith(expect.objectContaining({ namespaceNetworkPolicy: true })),
    );
    await waitFor(() => expect(checkbox).toHaveAccessibleDescription(/open connections only to istiod \(istio-system, port 15012\)/));
    await userEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(api.createRequest.mock.calls[0][0].namespaceNetworkPolicy).toBe(true);
  });

  it('sends the gateway mode chosen under the gateway checkbox, hides it for direct access, and shows the preview\'s conflict on it', async () => {
    const conflict = 'gatewayMode: on cluster dev the egress gateway already serves api.stripe.com in passthrough mode for request r1 (active, namespace orders); one host has one mode, so this request would need passthrough too';
    const api = fakeEgressApi({
      preview: async (draft: any) =>
        draft.gatewayMode === 'mutual'
          ? { ...preview('needs-approval'), valid: false, errors: [{ path: 'gatewayMode', code: 'gateway-mode-conflict', message: conflict }] }
          : preview('needs-approval'),
    });
    const onCreated = await renderForm(api);
    await fillValidDraft();
    await waitFor(() => expect(api.preview).toHaveBeenCalled());
    expect(api.preview.mock.calls.at(-1)![0].gatewayMode).toBeUndefined();
    const select = screen.getByLabelText('Gateway mode');
    await userEvent.selectOptions(select, 'mutual');
    await waitFor(() => expect(api.preview).toHaveBeenLastCalledWith(expect.objectContaining({ gatewayMode: 'mutual' })));
    await waitFor(() => expect(select).toHaveAccessibleDescription(/already serves api.stripe.com in passthrough mode for request r1/));
    await userEvent.selectOptions(select, 'passthrough');
    await waitFor(() => expect(api.preview).toHaveBeenLastCalledWith(expect.objectContaining({ gatewayMode: 'passthrough' })));
    await userEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(api.createRequest.mock.calls[0][0].gatewayMode).toBe('passthrough');
    await userEvent.click(screen.getByLabelText('Route through the egress gateway'));
    expect(screen.queryByLabelText('Gateway mode')).toBeNull();
  });
});
