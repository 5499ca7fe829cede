import { createApiRef } from '@backstage/core-plugin-api';

/** A cluster the egress plugin manages, as the browser sees it (no credentials). @public */
export interface EgressCluster {
  name: string;
  title: string;
  kialiUrl?: string;
}

/** Client of the egress backend. @public */
export interface EgressApi {
  /** The clusters egress requests can target. */
  listClusters(): Promise<EgressCluster[]>;
}

/** Reference to the {@link EgressApi}. @public */
export const egressApiRef = createApiRef<EgressApi>({
  id: 'plugin.egress.api',
});
