import { parse as parseYaml } from 'yaml';
import { REQUEST_ID_LABEL } from '@backstage-egress/plugin-egress-common';
import { ClusterSettings } from '../clusters/ClusterDirectory';
import { KubeHttp } from './KubeClients';
import { toClusterError } from './errors';
import { KubeListWatch } from './ListWatch';
import { CachedObject, Reflector } from './Reflector';
import { projectIstioObject, projectMeshConfig } from './projection';
import { collectionPath, discoverVersions, KIND_ORDER, ServedVersions } from './kinds';
import { CacheFreshness, ClusterStatus, IstioKind, MeshMode } from './types';

export interface ClusterCacheOptions {
  /** How often /version and the egress gateway Service are checked; default 30 s. */
  probeIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * The watch-fed cache of one cluster: the five Istio kinds cluster-wide and
 * the mesh ConfigMap (by name: the plugin's Role allows no other), plus a
 * periodic probe of /version and of the egress gateway Service (get only).
 */
export class ClusterCache {
  readonly reflectors: Record<IstioKind, Reflector>;
  readonly meshConfig: Reflector;
  private versions?: Promise<ServedVersions>;
  private probeTimer?: NodeJS.Timeout;
  private probeRunning?: Promise<void>;
  private probe: {
    reachable: boolean;
    lastCheckedAt?: Date;
    kubernetesVersion?: string;
    gatewayExists?: boolean;
    gatewayLastSeenAt?: Date;
    error?: string;
  } = { reachable: false };
  private stopped = false;
  private readonly abort = new AbortController();
  /** The mesh mode parsed from the ConfigMap object it was parsed from (objects are replaced on change). */
  private parsedMesh?: { from: CachedObject; mode: MeshMode };

  constructor(
    readonly settings: ClusterSettings,
    readonly api: KubeHttp,
    private readonly options: ClusterCacheOptions = {},
  ) {
    const istioPath = (kind: IstioKind) => async () => {
      const versions = await this.servedVersions();
      return collectionPath(kind, versions[kind]);
    };
    this.reflectors = Object.fromEntries(
      KIND_ORDER.map(kind => [
        kind,
        new Reflector({
          listWatch: new KubeListWatch(api, istioPath(kind)),
          what: `watching ${kind} resources`,
          backoff: options.backoff,
          project: projectIstioObject,
          indexLabel: REQUEST_ID_LABEL,
        }),
      ]),
    ) as Record<IstioKind, Reflector>;
    this.meshConfig = new Reflector({
      listWatch: new KubeListWatch(
        api,
        async () => `/api/v1/namespaces/${encodeURIComponent(settings.istioNamespace)}/configmaps`,
        { fieldSelector: 'metadata.name=istio' },
      ),
      what: `watching ConfigMap ${settings.istioNamespace}/istio`,
      backoff: options.backoff,
      project: projectMeshConfig,
    });
  }

  /** Served version per managed kind; rediscovered after a failure. */
  servedVersions(): Promise<ServedVersions> {
    if (!this.versions) {
      this.versions = discoverVersions(this.api, this.abort.signal);
      this.versions.catch(() => {
        this.versions = undefined;
      });
    }
    return this.versions;
  }

  private allReflectors(): Reflector[] {
    return [...Object.values(this.reflectors), this.meshConfig];
  }

  async start(): Promise<void> {
    for (const r of this.allReflectors()) r.start();
    const probe = async () => {
      if (this.stopped) return;
      this.probeRunning = this.runProbe();
      await this.probeRunning;
      if (!this.stopped) this.probeTimer = setTimeout(probe, this.options.probeIntervalMs ?? 30000);
    };
    const first = probe();
    await Promise.all([first, ...this.allReflectors().map(r => r.whenFirstAttempted())]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    clearTimeout(this.probeTimer);
    await Promise.all(this.allReflectors().map(r => r.stop()));
    await this.probeRunning?.catch(() => {});
    this.api.close();
  }

  /** Checks /version and the gateway Service now (also run periodically). */
  async runProbe(): Promise<void> {
    const now = new Date();
    try {
      const version = await this.api.request<{ gitVersion?: string }>('GET', '/version', { timeoutMs: 10000, signal: this.abort.signal });
      this.probe.reachable = true;
      this.probe.kubernetesVersion = version.gitVersion;
      this.probe.error = undefined;
    } catch (e) {
      this.probe.reachable = false;
      this.probe.error = toClusterError(this.settings.name, e, 'reading /version').message;
      this.probe.lastCheckedAt = now;
      return;
    }
    const { name, namespace } = this.gatewayService();
    try {
      await this.api.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(name)}`, { timeoutMs: 10000, signal: this.abort.signal });
      this.probe.gatewayExists = true;
      this.probe.gatewayLastSeenAt = new Date();
    } catch (e) {
      const err = toClusterError(this.settings.name, e, `reading Service ${namespace}/${name}`);
      if (err.name === 'NotFoundError') this.probe.gatewayExists = false;
      else this.probe.error = err.message;
    }
    this.probe.lastCheckedAt = now;
  }

  gatewayService(): { name: string; namespace: string } {
    const [name, namespace] = this.settings.egressGateway.serviceHost.split('.');
    return { name, namespace: namespace || this.settings.istioNamespace };
  }

  /** Mesh mode from the istio ConfigMap's `mesh` key; Istio's default ALLOW_ANY when unset. */
  meshMode(): { mode?: MeshMode; found: boolean } {
    if (!this.meshConfig.synced) return { found: false };
    const cm = this.meshConfig.get(this.settings.istioNamespace, 'istio');
    if (!cm) return { mode: 'ALLOW_ANY', found: false };
    if (this.parsedMesh?.from !== cm) this.parsedMesh = { from: cm, mode: parseMeshMode(cm.data?.mesh) };
    return { mode: this.parsedMesh.mode, found: true };
  }

  freshness(): CacheFreshness {
    const all = this.allReflectors();
    const times = all.map(r => r.lastEventAt?.getTime() ?? 0);
    const last = Math.max(...times);
    const error = all.find(r => r.error)?.error;
    return {
      synced: all.every(r => r.synced) && !error,
      ...(last > 0 ? { lastEventAt: new Date(last).toISOString() } : {}),
      ...(error ? { error } : {}),
    };
  }

  status(): ClusterStatus {
    const s = this.settings;
    const { name, namespace } = this.gatewayService();
    const fresh = this.freshness();
    const mesh = this.meshMode();
    const error = this.probe.error ?? fresh.error;
    return {
      name: s.name,
      title: s.title,
      ...(s.kialiUrl ? { kialiUrl: s.kialiUrl } : {}),
      reachable: this.probe.reachable,
      ...(this.probe.lastCheckedAt ? { lastCheckedAt: this.probe.lastCheckedAt.toISOString() } : {}),
      ...(this.probe.kubernetesVersion ? { kubernetesVersion: this.probe.kubernetesVersion } : {}),
      ...(mesh.mode ? { meshMode: mesh.mode, meshConfigFound: mesh.found } : {}),
      egressGateway: {
        service: `${namespace}/${name}`,
        ...(this.probe.gatewayExists !== undefined ? { exists: this.probe.gatewayExists } : {}),
        ...(this.probe.gatewayLastSeenAt ? { lastSeenAt: this.probe.gatewayLastSeenAt.toISOString() } : {}),
      },
      synced: fresh.synced,
      ...(fresh.lastEventAt ? { lastEventAt: fresh.lastEventAt } : {}),
      ...(error ? { error } : {}),
    };
  }
}

/** Reads `outboundTrafficPolicy.mode` from the mesh config YAML; ALLOW_ANY when unset or unreadable. */
export function parseMeshMode(mesh: string | undefined): MeshMode {
  if (!mesh) return 'ALLOW_ANY';
  try {
    const parsed = parseYaml(mesh) as { outboundTrafficPolicy?: { mode?: string } } | null;
    return parsed?.outboundTrafficPolicy?.mode === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY';
  } catch {
    return 'ALLOW_ANY';
  }
}
