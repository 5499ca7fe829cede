import { Entity } from '@backstage/catalog-model';

/** Entity annotation naming the Kubernetes namespace the entity runs in. */
export const NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';
/** Entity annotation restricting its target clusters (comma-separated names); all when absent. */
export const CLUSTERS_ANNOTATION = 'egress.backstage.io/clusters';

/** The entity's namespace from {@link NAMESPACE_ANNOTATION}, trimmed; undefined when absent or blank. */
export function entityNamespace(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[NAMESPACE_ANNOTATION]?.trim() || undefined;
}

/** The cluster names listed in {@link CLUSTERS_ANNOTATION}; undefined when the annotation is absent or empty. */
export function annotatedClusters(entity: Entity): string[] | undefined {
  const value = entity.metadata.annotations?.[CLUSTERS_ANNOTATION];
  if (!value) return undefined;
  return value.split(',').map(s => s.trim()).filter(Boolean);
}
