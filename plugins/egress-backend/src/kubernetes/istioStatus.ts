import type {
  IstioMessage,
  IstioVerdict,
  KubernetesManifest,
  TargetIstioVerdict,
} from '@backstage-egress/plugin-egress-common';
import { CachedObject } from './Reflector';

/**
 * Istio's verdict on the resources we applied, read from the `status` istiod
 * writes on them when it runs analysis (PILOT_ENABLE_ANALYSIS):
 * `validationMessages` (IstioStatus in istio.io/api meta/v1alpha1, each an
 * AnalysisMessageBase: type {code, name}, level, documentationUrl) and
 * `conditions`. istiod writes status only for resources with findings and
 * clears it when they are fixed, so a resource in the cache without messages
 * is accepted; one missing from the cache is unknown.
 */

// Levels of istio.io/api analysis/v1alpha1 AnalysisMessageBase.Level, which
// may be written by number or by name.
const LEVELS: Record<string, string> = { '0': 'UNKNOWN', '3': 'ERROR', '8': 'WARNING', '12': 'INFO' };

const RANK: Record<IstioVerdict, number> = { accepted: 0, unknown: 1, warning: 2, error: 3 };

/** Istio's page for an analysis code, e.g. IST0101. */
export function analysisDocUrl(code: string): string {
  return `https://istio.io/latest/docs/reference/config/analysis/${code.toLowerCase()}/`;
}

/** The messages in an object's status: analysis messages, then failed conditions. */
export function istioMessages(status: unknown): IstioMessage[] {
  if (!status || typeof status !== 'object') return [];
  const s = status as { validationMessages?: unknown; conditions?: unknown };
  const messages: IstioMessage[] = [];
  for (const m of Array.isArray(s.validationMessages) ? s.validationMessages : []) {
    const code = typeof m?.type?.code === 'string' ? m.type.code : '';
    const level = LEVELS[String(m?.level)] ?? String(m?.level ?? 'UNKNOWN').toUpperCase();
    let docUrl = code ? analysisDocUrl(code) : undefined;
    if (typeof m?.documentationUrl === 'string' && /^https:\/\//.test(m.documentationUrl)) docUrl = m.documentationUrl;
    messages.push({
      code,
      level,
      // istiod writes the code without the name or the text; the documentation explains it.
      message: typeof m?.type?.name === 'string' ? m.type.name : code,
      ...(docUrl ? { docUrl } : {}),
    });
  }
  for (const c of Array.isArray(s.conditions) ? s.conditions : []) {
    if (c?.status !== 'False') continue;
    messages.push({
      code: String(c.type ?? 'Condition'),
      level: 'WARNING',
      message: String(c.message || c.reason || `${c.type} is False`),
    });
  }
  return messages;
}

function verdictOf(messages: IstioMessage[]): IstioVerdict {
  if (messages.some(m => m.level === 'ERROR')) return 'error';
  if (messages.some(m => m.level === 'WARNING')) return 'warning';
  return 'accepted';
}

/**
 * Istio's verdict on a request's manifests in one cluster. `lookup` returns
 * the cached object of a manifest; `synced` false makes every resource unknown.
 */
export function istioVerdict(
  manifests: KubernetesManifest[],
  lookup: (manifest: KubernetesManifest) => CachedObject | undefined,
  synced: boolean,
): TargetIstioVerdict {
  const resources = manifests.map(manifest => {
    const { kind } = manifest;
    const { name, namespace = '' } = manifest.metadata;
    const live = synced ? lookup(manifest) : undefined;
    if (!live) return { kind, namespace, name, verdict: 'unknown' as IstioVerdict, messages: [] };
    const messages = istioMessages(live.status);
    return { kind, namespace, name, verdict: verdictOf(messages), messages };
  });
  const verdict = resources.reduce<IstioVerdict>(
    (worst, r) => (RANK[r.verdict] > RANK[worst] ? r.verdict : worst),
    resources.length > 0 ? 'accepted' : 'unknown',
  );
  return { verdict, resources };
}
