/**
 * Kubernetes manifests as plain objects, their YAML form for previews, and
 * a stable hash of them for drift detection.
 */
import { stringify } from 'yaml';
import { fnv1a64 } from './names';

/** A Kubernetes object as rendered by this package. @public */
export interface KubernetesManifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** Label marking every resource this plugin manages. @public */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of {@link MANAGED_BY_LABEL}. @public */
export const MANAGED_BY_VALUE = 'backstage-egress';
/** Label carrying the id of the request a resource was rendered for. @public */
export const REQUEST_ID_LABEL = 'egress.backstage.io/request-id';
/** Label on resources shared by several requests: `namespace` (lockdown Sidecar, NetworkPolicy) or `gateway`. @public */
export const SHARED_LABEL = 'egress.backstage.io/shared';

/** Annotation keys written on rendered resources. @public */
export const EGRESS_ANNOTATIONS = {
  entityRef: 'egress.backstage.io/entity-ref',
  requestedBy: 'egress.backstage.io/requested-by',
  approvedBy: 'egress.backstage.io/approved-by',
  expiresAt: 'egress.backstage.io/expires-at',
} as const;

/**
 * Multi-document YAML of the manifests, in the given order, for the preview.
 * @public
 */
export function manifestsToYaml(manifests: KubernetesManifest[]): string {
  return manifests
    .map(manifest => stringify(manifest, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}

/** Orders strings by UTF-16 code units, like `<`, independent of locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareCodeUnits(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A stable hash of manifests (key order does not matter, manifest order
 * does), as 16 hex digits. Store it with what was applied and compare to
 * detect that the desired state changed.
 * @public
 */
export function specHash(manifests: KubernetesManifest[]): string {
  return fnv1a64(canonicalJson(manifests));
}
