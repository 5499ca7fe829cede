import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** Settings of one cluster the plugin manages, as read from `egress.clusters[]`. */
export interface ClusterSettings {
  name: string;
  title: string;
  url?: string;
  authProvider: 'serviceAccount' | 'kubeconfig';
  serviceAccountToken?: string;
  kubeconfigContext?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  istioNamespace: string;
  egressGateway: { selector: Record<string, string>; serviceHost: string; mode?: 'passthrough' | 'mutual' };
  prometheusUrl?: string;
  /** Bearer token for Prometheus (secret). */
  prometheusToken?: string;
  /** Extra headers sent to Prometheus (secret). */
  prometheusHeaders?: Record<string, string>;
  /** Timeout of one Prometheus query in ms (filled with 5000 from config). */
  prometheusTimeoutMs?: number;
  kialiUrl?: string;
  /** istiod runs analysis here (PILOT_ENABLE_ANALYSIS): the status it writes is Istio's verdict. */
  istioAnalysis?: boolean;
}

/** What the browser may see of a cluster: never credentials. */
export interface PublicClusterInfo {
  name: string;
  title: string;
  kialiUrl?: string;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The clusters from `egress.clusters`. With none configured, one cluster backed
 * by the current kubeconfig context, named `kubeconfigClusterName` (the caller
 * resolves that name from the kubeconfig).
 */
export class ClusterDirectory {
  static fromConfig(
    config: Config,
    options: { defaultClusterName: () => string },
  ): ClusterDirectory {
    const configured = config.getOptionalConfigArray('egress.clusters') ?? [];
    const clusters = configured.map(readCluster);
    if (clusters.length === 0) {
      const name = options.defaultClusterName();
      clusters.push(
        fillDefaults({ name, title: name, authProvider: 'kubeconfig' }),
      );
    }
    const seen = new Set<string>();
    for (const c of clusters) {
      if (seen.has(c.name)) {
        throw new InputError(
          `egress.clusters: cluster name '${c.name}' is configured twice`,
        );
      }
      seen.add(c.name);
    }
    return new ClusterDirectory(clusters);
  }

  private constructor(private readonly clusters: ClusterSettings[]) {}

  list(): ClusterSettings[] {
    return [...this.clusters];
  }

  get(name: string): ClusterSettings | undefined {
    return this.clusters.find(c => c.name === name);
  }

  publicList(): PublicClusterInfo[] {
    return this.clusters.map(c => ({
      name: c.name,
      title: c.title,
      ...(c.kialiUrl ? { kialiUrl: c.kialiUrl } : {}),
    }));
  }
}

function readCluster(c: Config, index: number): ClusterSettings {
  const name = c.getString('name');
  if (!CLUSTER_NAME.test(name) || name.length > 63) {
    throw new InputError(
      `egress.clusters[${index}].name: '${name}' must be a DNS-1123 label (lowercase letters, digits, '-')`,
    );
  }
  const authProvider = (c.getOptionalString('authProvider') ??
    (c.getOptionalString('serviceAccountToken')
      ? 'serviceAccount'
      : 'kubeconfig')) as ClusterSettings['authProvider'];
  if (authProvider !== 'serviceAccount' && authProvider !== 'kubeconfig') {
    throw new InputError(
      `egress.clusters[${index}].authProvider: '${authProvider}' is not supported (serviceAccount or kubeconfig)`,
    );
  }
  if (authProvider === 'serviceAccount') {
    if (!c.getOptionalString('url')) {
      throw new InputError(
        `egress.clusters[${index}].url is required with authProvider serviceAccount`,
      );
    }
    if (!c.getOptionalString('serviceAccountToken')) {
      throw new InputError(
        `egress.clusters[${index}].serviceAccountToken is required with authProvider serviceAccount`,
      );
    }
  }
  const mode = c.getOptionalString('egressGateway.mode');
  if (mode !== undefined && mode !== 'passthrough' && mode !== 'mutual') {
    throw new InputError(`egress.clusters[${index}].egressGateway.mode must be passthrough or mutual, not '${mode}'`);
  }
  const selectorConfig = c.getOptionalConfig('egressGateway.selector');
  const selector = readStringMap(selectorConfig);
  return fillDefaults({
    name,
    title: c.getOptionalString('title') ?? name,
    url: c.getOptionalString('url'),
    authProvider,
    serviceAccountToken: c.getOptionalString('serviceAccountToken'),
    kubeconfigContext: c.getOptionalString('kubeconfigContext'),
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
    istioNamespace: c.getOptionalString('istioNamespace'),
    selector,
    serviceHost: c.getOptionalString('egressGateway.serviceHost'),
    gatewayMode: mode,
    prometheusUrl: c.getOptionalString('prometheusUrl'),
    prometheusToken: c.getOptionalString('prometheusToken'),
    prometheusHeaders: readStringMap(c.getOptionalConfig('prometheusHeaders')),
    prometheusTimeoutMs: c.getOptionalNumber('prometheusTimeoutMs'),
    kialiUrl: c.getOptionalString('kialiUrl'),
    istioAnalysis: c.getOptionalBoolean('istioAnalysis'),
  });
}

function fillDefaults(c: {
  name: string;
  title: string;
  authProvider: ClusterSettings['authProvider'];
  url?: string;
  serviceAccountToken?: string;
  kubeconfigContext?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  istioNamespace?: string;
  selector?: Record<string, string>;
  serviceHost?: string;
  gatewayMode?: 'passthrough' | 'mutual';
  prometheusUrl?: string;
  prometheusToken?: string;
  prometheusHeaders?: Record<string, string>;
  prometheusTimeoutMs?: number;
  kialiUrl?: string;
  istioAnalysis?: boolean;
}): ClusterSettings {
  const istioNamespace = c.istioNamespace ?? 'istio-system';
  return {
    name: c.name,
    title: c.title,
    url: c.url,
    authProvider: c.authProvider,
    serviceAccountToken: c.serviceAccountToken,
    kubeconfigContext: c.kubeconfigContext,
    caData: c.caData,
    caFile: c.caFile,
    skipTLSVerify: c.skipTLSVerify ?? false,
    istioNamespace,
    egressGateway: {
      selector: c.selector ?? { istio: 'egressgateway' },
      serviceHost:
        c.serviceHost ??
        `istio-egressgateway.${istioNamespace}.svc.cluster.local`,
      mode: c.gatewayMode ?? 'passthrough',
    },
    prometheusUrl: c.prometheusUrl,
    prometheusToken: c.prometheusToken,
    prometheusHeaders: c.prometheusHeaders,
    prometheusTimeoutMs: c.prometheusTimeoutMs ?? 5000,
    kialiUrl: c.kialiUrl,
    istioAnalysis: c.istioAnalysis ?? false,
  };
}

function readStringMap(config: Config | undefined): Record<string, string> | undefined {
  return config
    ? Object.fromEntries(config.keys().map(k => [k, config.getString(k)]))
    : undefined;
}
