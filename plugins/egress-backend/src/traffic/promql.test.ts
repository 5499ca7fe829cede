import { attemptsQuery, hostActivityQuery, hostQueries, stepSeconds, usedHostsQuery } from './promql';

describe('promql', () => {
  const sidecars = { kind: 'sidecars' as const, namespace: 'payments' };
  const gateway = { kind: 'egress-gateway' as const, namespace: 'istio-system', workload: 'istio-egressgateway' };

  it('selects the namespace sidecars, or the gateway workload, as reporter="source"', () => {
    expect(hostQueries(sidecars, 3600).requests).toBe(
      'sum by (destination_service) (increase(istio_requests_total{reporter="source",source_workload_namespace="payments",destination_service_name!~"BlackHoleCluster|PassthroughCluster"}[3600s]))',
    );
    expect(hostQueries(gateway, 60).errors).toBe(
      'sum by (destination_service) (increase(istio_requests_total{reporter="source",source_workload_namespace="istio-system",source_workload="istio-egressgateway",destination_service_name!~"BlackHoleCluster|PassthroughCluster",response_code=~"5.."}[60s]))',
    );
  });

  it('tags each counter before summing several, so equal label sets never collide', () => {
    expect(hostActivityQuery(sidecars, 60)).toBe(
      'sum by (destination_service) (' +
        'label_replace(increase(istio_requests_total{reporter="source",source_workload_namespace="payments",destination_service_name!~"BlackHoleCluster|PassthroughCluster"}[60s]), "metric", "istio_requests_total", "", "")' +
        ' or label_replace(increase(istio_tcp_connections_opened_total{reporter="source",source_workload_namespace="payments",destination_service_name!~"BlackHoleCluster|PassthroughCluster"}[60s]), "metric", "istio_tcp_connections_opened_total", "", ""))',
    );
    expect(attemptsQuery(sidecars, 3600)).toContain('destination_service_name=~"BlackHoleCluster|PassthroughCluster"');
    expect(attemptsQuery(sidecars, 3600)).toContain('istio_tcp_connections_closed_total');
    expect(usedHostsQuery(sidecars, 30)).toMatch(/\[2592000s\]\), "metric", "istio_tcp_connections_opened_total", "", ""\)\) > 0$/);
  });

  it('quotes label values as PromQL strings', () => {
    expect(hostQueries({ kind: 'sidecars', namespace: 'a"b' }, 60).bytes).toContain('source_workload_namespace="a\\"b"');
  });

  it('has 60 buckets per window', () => {
    expect([stepSeconds('1h'), stepSeconds('24h'), stepSeconds('7d')]).toEqual([60, 1440, 10080]);
  });
});
