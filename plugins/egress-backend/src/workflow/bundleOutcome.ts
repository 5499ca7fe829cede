import { BundleResult } from '../kubernetes/types';

/** Runs a writer call; a thrown error becomes a failed result of that cluster. */
export async function callWriter(cluster: string, fn: () => Promise<BundleResult>): Promise<BundleResult> {
  try {
    return await fn();
  } catch (error) {
    return { cluster, ok: false, outcomes: [], error: `${cluster}: ${(error as Error)?.message ?? error}` };
  }
}

/** One line saying why a bundle failed: the call's error, or each failed resource. */
export function failure(result: BundleResult): string {
  if (result.error) return result.error;
  const failed = result.outcomes.filter(o => o.action === 'failed');
  return failed.length > 0
    ? failed.map(o => `${o.kind} ${o.namespace}/${o.name}: ${o.error ?? 'failed'}`).join('; ')
    : `${result.cluster}: apply failed`;
}

/** The per-resource outcomes of a bundle, as audit event details. */
export function summary(result: BundleResult): Record<string, unknown> {
  return {
    outcomes: result.outcomes.map(o => ({
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      action: o.action,
      ...(o.error ? { error: o.error } : {}),
    })),
  };
}
