import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { clusters, entityRef, entityTraffic, fakeEgressApi } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { EgressTab } from '../EgressTab/EgressTab';
import { kialiHostUrl, kialiNamespaceUrl } from './kialiLinks';

const withKiali = clusters.map(c => (c.name === 'dev' ? { ...c, kialiUrl: 'https://kiali.example.com/' } : c));

describe('traffic on the Egress tab', () => {
  it('shows per-host traffic, blocked attempts and Kiali links for each cluster', async () => {
    const api = fakeEgressApi({ listClusters: async () => withKiali });
    await renderWithApis(<EgressTab />, { api });

    const table = await screen.findByRole('table', { name: 'Traffic per host' });
    const row = within(table).getByRole('link', { name: /^api\.github\.com/ }).closest('tr')!;
    expect(row).toHaveTextContent('6.0 req/min');
    expect(row).toHaveTextContent('5.0 %');
    expect(row).toHaveTextContent('2.0 KiB');
    expect(within(table).getByRole('link', { name: /^api\.github\.com/ })).toHaveAttribute(
      'href',
      'https://kiali.example.com/console/namespaces/payments/services/api.github.com',
    );
    expect(screen.getByRole('link', { name: /^Namespace payments in Kiali/ })).toHaveAttribute(
      'href',
      'https://kiali.example.com/console/graph/namespaces/?namespaces=payments',
    );
    const attempts = screen.getByRole('region', { name: 'Blocked and unregistered attempts' });
    expect(within(attempts).getByText('payments-api → TLS/TCP, host not in metrics')).toBeInTheDocument();
    expect(within(attempts).getByText('3 connections')).toBeInTheDocument();
    expect(within(attempts).getByText(/^Mesh mode REGISTRY_ONLY/)).toBeInTheDocument();
    expect(api.getTraffic).toHaveBeenCalledWith(entityRef, '1h');
  });

  it("rounds Prometheus' extrapolated counts of blocked attempts", async () => {
    const fractional = {
      ...entityTraffic,
      clusters: entityTraffic.clusters.map(c => ({
        ...c,
        attempts: [
          { workload: 'payments-api', kind: 'blocked' as const, protocol: 'tcp' as const, count: 8.3367 },
          { workload: 'payments-api', kind: 'unregistered' as const, protocol: 'http' as const, host: 'example.org', count: 0.4 },
        ],
      })),
    };
    const api = fakeEgressApi({ getTraffic: async () => fractional });
    await renderWithApis(<EgressTab />, { api });
    const attempts = (await screen.findAllByRole('region', { name: 'Blocked and unregistered attempts' }))[0];
    expect(within(attempts).getByText('8 connections')).toBeInTheDocument();
    expect(within(attempts).getByText('fewer than 1 HTTP requests')).toBeInTheDocument();
  });

  it('asks for another window when the user picks one', async () => {
    const api = fakeEgressApi();
    await renderWithApis(<EgressTab />, { api });
    await screen.findByRole('table', { name: 'Traffic per host' });
    await userEvent.click(screen.getAllByRole('button', { name: /Last hour/ })[0]);
    await userEvent.click(await screen.findByRole('option', { name: 'Last 7 days' }));
    expect(api.getTraffic).toHaveBeenLastCalledWith(entityRef, '7d');
  });

  it("shows a cluster's Prometheus error on that cluster only", async () => {
    const api = fakeEgressApi({
      getTraffic: async () => ({
        ...entityTraffic,
        clusters: [{ cluster: 'dev', error: 'Prometheus at http://prom:9090: ECONNREFUSED', hosts: [], attempts: [], unusedGrants: [] }],
      }),
    });
    await renderWithApis(<EgressTab />, { api });
    expect(await screen.findByText(/No traffic data for Development/)).toBeInTheDocument();
    expect(screen.getByText('Prometheus at http://prom:9090: ECONNREFUSED')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Allowed hosts in Development' })).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Traffic per host' })).not.toBeInTheDocument();
  });

  it('keeps the rest of the tab when the traffic call fails', async () => {
    const api = fakeEgressApi({ getTraffic: async () => Promise.reject(new Error('backend says no')) });
    await renderWithApis(<EgressTab />, { api });
    expect(await screen.findAllByText('backend says no')).not.toHaveLength(0);
    expect(screen.getByRole('table', { name: 'Allowed hosts in Development' })).toBeInTheDocument();
  });

  it('builds Kiali links without doubled slashes and with encoded parts', () => {
    expect(kialiNamespaceUrl('https://k/kiali/', 'a b')).toBe('https://k/kiali/console/graph/namespaces/?namespaces=a+b');
    expect(kialiHostUrl('https://k', 'ns', '*.example.com')).toBe('https://k/console/namespaces/ns/services/*.example.com');
  });
});
