import { Entity } from '@backstage/catalog-model';

/** Annotation naming the Kubernetes namespace of an entity's workloads. @public */
export const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';

/** Whether the entity says which namespace its workloads run in, so egress applies to it. @public */
export function isEgressAvailable(entity: Entity): boolean {
  return Boolean(
    entity.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION]?.trim(),
  );
}
