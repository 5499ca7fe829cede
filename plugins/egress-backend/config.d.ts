export interface Config {
  /** Configuration of the egress plugin pair. */
  egress?: {
    /**
     * Clusters the egress plugin manages. When none are configured, the
     * current context of the backend's kubeconfig is the single cluster.
     */
    clusters?: Array<{
      /**
       * Unique cluster name, used in requests and in the egress.backstage.io/clusters annotation.
       * @visibility frontend
       */
      name: string;
      /**
       * Human-readable title.
       * @visibility frontend
       */
      title?: string;
      /** URL of the cluster's Kubernetes API server. */
      url?: string;
      /** How the backend authenticates: a service account token, or a kubeconfig context. */
      authProvider?: 'serviceAccount' | 'kubeconfig';
      /**
       * Bearer token of the plugin's service account.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /** Kubeconfig context to use when authProvider is kubeconfig; defaults to the current context. */
      kubeconfigContext?: string;
      /**
       * Base64 PEM of the API server's CA.
       * @visibility secret
       */
      caData?: string;
      /** Path to a PEM file with the API server's CA. */
      caFile?: string;
      /** Skip TLS verification of the API server (never in production). */
      skipTLSVerify?: boolean;
      /** Namespace Istio's control plane and egress gateway run in. Defaults to istio-system. */
      istioNamespace?: string;
      /** The cluster's egress gateway. */
      egressGateway?: {
        /** Label selector of the gateway pods. Defaults to istio: egressgateway. */
        selector?: { [label: string]: string };
        /** Service host of the gateway. Defaults to istio-egressgateway.<istioNamespace>.svc.cluster.local. */
        serviceHost?: string;
        /**
         * How sidecars reach the gateway. `passthrough` (default): TLS passed through by SNI.
         * `mutual`: Istio mutual TLS to the gateway, and an AuthorizationPolicy per external host
         * in the gateway's namespace admitting only the namespaces with granted access.
         */
        mode?: 'passthrough' | 'mutual';
      };
      /** Prometheus with Istio's metrics for this cluster (the Egress tab's traffic view). */
      prometheusUrl?: string;
      /**
       * Bearer token sent to Prometheus.
       * @visibility secret
       */
      prometheusToken?: string;
      /**
       * Extra headers sent to Prometheus, e.g. a tenant id or an API key.
       * @visibility secret
       */
      prometheusHeaders?: { [name: string]: string };
      /** Timeout of one Prometheus query in milliseconds. Default 5000. */
      prometheusTimeoutMs?: number;
      /**
       * Kiali for this cluster, linked from the entity tab.
       * @visibility frontend
       */
      kialiUrl?: string;
      /**
       * This cluster's istiod runs Istio's analysis (PILOT_ENABLE_ANALYSIS=true) and writes
       * its findings into the status of Istio resources: show them as Istio's verdict on
       * each applied request. Default false (no verdict shown).
       */
      istioAnalysis?: boolean;
    }>;
    /**
     * The platform's egress policy, evaluated the same way for the preview and
     * for new requests (parsed by the common package's parseEgressPolicy).
     * Backend only: the browser gets its summary from `GET /policy` and the
     * risk flags with each request.
     */
    policy?: {
      /** Protocols that may be requested (HTTPS, TLS, HTTP, HTTP2, GRPC, TCP); all when unset. */
      allowedProtocols?: string[];
      /** Ports that may be requested; all when unset. */
      allowedPorts?: number[];
      /** Host patterns never granted, e.g. pastebin.com or *.internal.example.com. */
      deniedHosts?: string[];
      /** Host patterns approved without a human when nothing else in the request is risky. */
      autoApproveHosts?: string[];
      /** Whether *.example.com hosts may be requested. Default false. */
      allowWildcards?: boolean;
      /** Whether IP ranges (CIDRs) may be requested. Default false. */
      allowCidrs?: boolean;
      /** Whether every request must go through the egress gateway. Default false. */
      requireEgressGateway?: boolean;
      /**
       * Which requests may choose the egress gateway's mode (gatewayMode): none,
       * stricter (only mutual on a passthrough cluster; the default) or any
       * (passthrough on a mutual cluster too, flagged and never auto-approved).
       */
      allowGatewayModeOverride?: 'none' | 'stricter' | 'any';
      /** Longest grant in days; when set, an expiry is required. */
      maxTtlDays?: number;
      /** Whether a justification is required. Default true. */
      requireJustification?: boolean;
      /** Whether private ranges (RFC 1918, fc00::/7, 100.64.0.0/10) may be requested; flagged when allowed. Default false. */
      allowPrivateAddresses?: boolean;
      /** Entries of the built-in deny set (loopback, link-local, cloud metadata, ...) re-allowed, each named exactly. */
      builtInDenyExceptions?: string[];
    };
    /** Which namespaces requests may target, and who owns them. */
    namespaces?: {
      /**
       * Where a namespace's owner comes from: `namespaceAnnotation` (default; the Namespace
       * object's egress.backstage.io/owner annotation), `config` (`owners` below), or
       * `entityAnnotation` (trust the catalog's namespace annotation; development only).
       */
      ownership?: 'namespaceAnnotation' | 'config' | 'entityAnnotation';
      /** Namespace → owning entity or group refs (comma-separated or a list), with `ownership: config`. */
      owners?: { [namespace: string]: string | string[] };
      /** Namespaces never targeted, besides kube-system, kube-public, kube-node-lease, Istio's and the gateway's. */
      reserved?: string[];
    };
    /**
     * Entity refs (users or groups) notified of new pending requests when the
     * notifications backend is installed. Default: group:default/platform-team.
     */
    approvers?: string[];
    /** Seconds between reconciler passes (retries, drift, expiry). Default 30. */
    reconcileIntervalSeconds?: number;
    /**
     * How long one backend replica may work on a request's cluster (apply or remove) before
     * another replica may take it over, in seconds: a replica that dies mid-apply delays that
     * cluster by at most this long. Longer than the slowest apply. Default 120.
     */
    applyLeaseSeconds?: number;
    /**
     * False on a replica that should serve the API only: it records decisions
     * but applies nothing; the other replicas (sharing its database) pick the
     * decisions up within about a second. Default true.
     */
    reconcilerEnabled?: boolean;
    /** The traffic view of the Egress tab (GET /traffic), read from each cluster's Prometheus. */
    traffic?: {
      /** Days without traffic after which an active grant is flagged unused. Default 30. */
      unusedAfterDays?: number;
      /** How long answers are cached, in seconds; at least 15. Default 15. */
      cacheSeconds?: number;
    };
  };
}
