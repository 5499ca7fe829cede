import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ClusterEgressSettingsInput,
  ClusterManifests,
  EgressRequestStatus,
  RequestDetail,
  egressRequestReadPermission,
  manifestsToYaml,
  renderManifests,
} from '@backstage-egress/plugin-egress-common';
import { EgressStore, StoredEgressRequest } from '../database/EgressStore';
import { normalizeEntityRef } from './draftIntake';
import { renderable } from './hashing';
import { IstioVerdictSource, withIstioVerdicts } from './istioVerdicts';
import { requireBasic } from './permissionChecks';
import { RenderedManifests } from './renderedManifests';
import { Reconciler } from './Reconciler';
import { withSync, withViews } from './requestViews';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * The read side of the request API: requests with the caller's actions and
 * their displayed state, targets with whether their cluster holds them, and
 * the rendered manifests.
 */
export class RequestReader {
  private readonly rendered: RenderedManifests;

  constructor(
    private readonly options: {
      store: EgressStore;
      reconciler: Reconciler;
      permissions: PermissionsService;
      clusterSettings(name: string): ClusterEgressSettingsInput;
      istioVerdict?: IstioVerdictSource;
      /** Rendered requests remembered, shared with the reconciler (one made here by default). */
      rendered?: RenderedManifests;
    },
  ) {
    this.rendered = options.rendered ?? new RenderedManifests(options.clusterSettings);
  }

  async list(
    filter: { status?: EgressRequestStatus[]; entityRef?: string; cluster?: string; requestedBy?: string; cursor?: string; limit?: number },
    credentials: UserCredentials,
  ) {
    await this.requireRead(credentials);
    const page = await this.options.store.listRequests({ ...filter, limit: Math.min(Math.max(filter.limit ?? 50, 1), 200) });
    const targets = await this.targetsOf(page.items);
    return { ...page, items: await withViews(this.options.permissions, credentials, page.items, targets) };
  }

  async get(id: string, credentials: UserCredentials): Promise<RequestDetail> {
    await this.requireRead(credentials);
    const request = await this.load(id);
    const [targets, events] = await Promise.all([this.targetsOf([request]), this.options.store.listEvents(id)]);
    const [view] = await withViews(this.options.permissions, credentials, [request], targets);
    return { request: view, targets, events, manifests: this.render(request) };
  }

  /**
   * Requests of one entity, newest first, and their per-cluster targets (for
   * the entity tab: one store read for all targets, not one per request).
   * `decided` answers permission decisions the caller's HTTP request already made.
   */
  async entityRequests(entityRef: string, credentials: UserCredentials, decided = this.options.permissions) {
    await this.requireRead(credentials, decided);
    const ref = normalizeEntityRef(entityRef);
    const requests = (await this.options.store.listRequests({ entityRef: ref, limit: 200 })).items;
    const targets = await this.targetsOf(requests);
    return { requests: await withViews(decided, credentials, requests, targets), targets };
  }

  /** The request as the API answers it: with the caller's actions and its displayed state. */
  async view(request: StoredEgressRequest, credentials: UserCredentials): Promise<StoredEgressRequest> {
    const targets = await this.targetsOf([request]);
    return (await withViews(this.options.permissions, credentials, [request], targets))[0];
  }

  /** The stored request; NotFoundError when there is none. */
  async load(id: string): Promise<StoredEgressRequest> {
    const request = await this.options.store.getRequest(id);
    if (!request) throw new NotFoundError(`No egress request ${id}`);
    return request;
  }

  /** The request's resources per cluster, as objects and as YAML. */
  render(request: Parameters<typeof renderable>[0]): ClusterManifests[] {
    return request.clusters.map(cluster => {
      const manifests = renderManifests(renderable(request), this.options.clusterSettings(cluster));
      return { cluster, manifests, yaml: manifestsToYaml(manifests) };
    });
  }

  requireRead(credentials: UserCredentials, permissions = this.options.permissions) {
    return requireBasic(permissions, egressRequestReadPermission, credentials, 'read egress requests');
  }

  /**
   * The requests' targets, each applied one with whether its cluster holds it (`sync`) and
   * Istio's verdict on its resources where the cluster's istiod runs analysis.
   */
  private async targetsOf(requests: StoredEgressRequest[]) {
    const stored = await this.options.store.getTargetsOf(requests.map(r => r.id));
    const targets = await withSync(requests, stored, this.options.reconciler.observerForOneView());
    return requests.flatMap(r =>
      withIstioVerdicts(
        targets.filter(t => t.requestId === r.id),
        () => r.clusters.map(cluster => ({ cluster, manifests: this.rendered.of(r, cluster).manifests })),
        this.options.istioVerdict,
      ),
    );
  }
}
