/** What the workflow needs from the Kubernetes side (src/kubernetes). */
import type { EgressClusterClient, NamespaceInventory } from '../kubernetes/types';

export type {
  ApplyOutcome,
  BundleResult,
  EgressClusterClient,
} from '../kubernetes/types';

/** The part of the ClusterService the workflow uses. */
export interface ClusterClients {
  client(name: string): EgressClusterClient;
  /** Egress resources of a namespace from the caches (the ClusterService has it; fakes may not). */
  inventory?(namespace: string, clusterNames: string[]): NamespaceInventory[];
}
