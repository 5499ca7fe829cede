import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EgressApi } from './EgressApi';
import {
  EgressCluster,
  EgressRequest,
  EntityEgress,
  PolicySummary,
  EntityTraffic,
  TrafficWindow,
  PreviewResult,
  RequestDetail,
  RequestDraftInput,
  RequestFilters,
  RequestPage,
  ClusterOrphans,
  OrphanRemovalInput,
  OrphanResource,
} from './types';

/** {@link EgressApi} over HTTP, through Backstage's discovery and fetch APIs. @public */
export class EgressClient implements EgressApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listClusters(): Promise<EgressCluster[]> {
    const body = await this.call<{ items: EgressCluster[] }>('GET', '/clusters');
    return body.items;
  }

  getPolicy(): Promise<PolicySummary> {
    return this.call('GET', '/policy');
  }

  getEntity(entityRef: string): Promise<EntityEgress> {
    return this.call('GET', `/entity?${new URLSearchParams({ entityRef })}`);
  }

  getTraffic(entityRef: string, window: TrafficWindow): Promise<EntityTraffic> {
    return this.call('GET', `/traffic?${new URLSearchParams({ entityRef, window })}`);
  }

  preview(draft: RequestDraftInput): Promise<PreviewResult> {
    return this.call('POST', '/preview', draft);
  }

  createRequest(draft: RequestDraftInput): Promise<EgressRequest> {
    return this.call('POST', '/requests', draft);
  }

  listRequests(filters: RequestFilters = {}): Promise<RequestPage> {
    const query = new URLSearchParams();
    if (filters.status?.length) query.set('status', filters.status.join(','));
    if (filters.entityRef) query.set('entityRef', filters.entityRef);
    if (filters.cluster) query.set('cluster', filters.cluster);
    if (filters.requester) query.set('requester', filters.requester);
    if (filters.cursor) query.set('cursor', filters.cursor);
    if (filters.limit !== undefined) query.set('limit', String(filters.limit));
    const qs = query.toString();
    return this.call('GET', `/requests${qs ? `?${qs}` : ''}`);
  }

  getRequest(id: string): Promise<RequestDetail> {
    return this.call('GET', `/requests/${encodeURIComponent(id)}`);
  }

  approve(id: string, comment?: string): Promise<EgressRequest> {
    return this.action(id, 'approve', comment);
  }

  reject(id: string, comment: string): Promise<EgressRequest> {
    return this.action(id, 'reject', comment);
  }

  cancel(id: string, _comment?: string): Promise<EgressRequest> {
    // The cancel route takes no body: the requester's own withdrawal needs no reason.
    return this.call('POST', `/requests/${encodeURIComponent(id)}/cancel`);
  }

  revoke(id: string, comment?: string): Promise<EgressRequest> {
    return this.action(id, 'revoke', comment);
  }

  async listOrphans(): Promise<ClusterOrphans[]> {
    return (await this.call<{ items: ClusterOrphans[] }>('GET', '/orphans')).items;
  }

  removeOrphan(input: OrphanRemovalInput): Promise<OrphanResource> {
    const comment = input.comment?.trim();
    return this.call('POST', '/orphans/remove', {
      cluster: input.cluster,
      kind: input.kind,
      namespace: input.namespace,
      name: input.name,
      ...(comment ? { comment } : {}),
    });
  }

  private action(id: string, verb: string, comment?: string) {
    const trimmed = comment?.trim();
    return this.call<EgressRequest>(
      'POST',
      `/requests/${encodeURIComponent(id)}/${verb}`,
      trimmed ? { comment: trimmed } : {},
    );
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('egress');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body !== undefined && {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
