import {
  EgressPolicy,
  FieldIssue,
  Protocol,
  validateDraft,
} from '@backstage-egress/plugin-egress-common';
import { useMemo, useState } from 'react';
import { RequestDraftInput } from '../api/types';

/** What the user typed into the request form. */
export interface DraftFields {
  /** One host per line or comma-separated. */
  hosts: string;
  port: string;
  protocol: Protocol;
  clusters: string[];
  viaEgressGateway: boolean;
  justification: string;
  /** `YYYY-MM-DD` from the date input, or empty. */
  expiresOn: string;
}

/** Form fields that validation messages are shown next to. */
export type DraftField =
  | 'hosts'
  | 'port'
  | 'protocol'
  | 'clusters'
  | 'viaEgressGateway'
  | 'justification'
  | 'expiresOn'
  | 'other';

/** The form field a validator path belongs to. */
export function fieldOfPath(path: string): DraftField {
  if (path.startsWith('hosts') || path.startsWith('addresses')) return 'hosts';
  if (/^ports(\[\d+\])?\.protocol/.test(path)) return 'protocol';
  if (path.startsWith('ports')) return 'port';
  if (path.startsWith('clusters')) return 'clusters';
  if (path === 'viaEgressGateway') return 'viaEgressGateway';
  if (path === 'justification') return 'justification';
  if (path === 'expiresAt') return 'expiresOn';
  return 'other';
}

/** Splits the hosts field: newlines, commas and spaces separate hosts. */
export function parseHosts(text: string): string[] {
  return text.split(/[\s,]+/).map(h => h.trim()).filter(Boolean);
}

/** The end of the chosen day in the user's time zone, as an ISO instant. */
export function expiryInstant(date: string): string | undefined {
  if (!date) return undefined;
  const end = new Date(`${date}T23:59:59`);
  return Number.isNaN(end.getTime()) ? date : end.toISOString();
}

/** Builds the draft the backend receives from the form fields. */
export function toDraft(
  fields: DraftFields,
  entity: { entityRef: string; namespace: string },
): RequestDraftInput {
  const port = fields.port.trim();
  return {
    entityRef: entity.entityRef,
    namespace: entity.namespace,
    clusters: fields.clusters,
    hosts: parseHosts(fields.hosts),
    // Sent as the backend would receive it, so the validator says the same thing.
    ports: [{ number: port === '' ? (null as unknown as number) : Number(port), protocol: fields.protocol }],
    viaEgressGateway: fields.viaEgressGateway,
    justification: fields.justification,
    ...(fields.expiresOn && { expiresAt: expiryInstant(fields.expiresOn) }),
  };
}

function groupByField(issues: FieldIssue[]) {
  const out: Partial<Record<DraftField, string[]>> = {};
  for (const issue of issues) {
    const field = fieldOfPath(issue.path);
    (out[field] ??= []).push(issue.message);
  }
  return out;
}

/**
 * State of the request form, validated on every change by the common
 * package's validator (the backend's own), with the messages grouped by
 * form field. Messages of a field show once it was touched, or all after a
 * submit attempt.
 */
export function useRequestDraft(options: {
  entityRef: string;
  namespace: string;
  knownClusters: string[];
  policy: EgressPolicy;
}) {
  const { entityRef, namespace, knownClusters, policy } = options;
  const [fields, setFields] = useState<DraftFields>({
    hosts: '',
    port: '443',
    protocol: 'HTTPS',
    clusters: [],
    // The gateway is the safer default; the policy may require it anyway.
    viaEgressGateway: true,
    justification: '',
    expiresOn: '',
  });
  const [touched, setTouched] = useState<Set<DraftField>>(new Set());
  const [showAll, setShowAll] = useState(false);

  const draft = useMemo(
    () => toDraft(fields, { entityRef, namespace }),
    [fields, entityRef, namespace],
  );
  const knownKey = knownClusters.join(',');
  const validation = useMemo(
    () =>
      validateDraft(draft, {
        knownClusters: knownKey ? knownKey.split(',') : undefined,
        requireJustification: policy.requireJustification,
      }),
    [draft, knownKey, policy.requireJustification],
  );
  const errors = useMemo(() => groupByField(validation.errors), [validation]);
  const warnings = useMemo(() => groupByField(validation.warnings), [validation]);

  const update = <K extends keyof DraftFields>(key: K, value: DraftFields[K]) => {
    setFields(prev => ({ ...prev, [key]: value }));
    const field: DraftField = key;
    setTouched(prev => (prev.has(field) ? prev : new Set(prev).add(field)));
  };
  const visible = (field: DraftField) => showAll || touched.has(field) || field === 'other';

  return {
    fields,
    update,
    draft,
    valid: validation.valid,
    /** Error messages of a field, when they should be shown. */
    errorsOf: (field: DraftField) => (visible(field) ? errors[field] ?? [] : []),
    warningsOf: (field: DraftField) => (visible(field) ? warnings[field] ?? [] : []),
    revealAll: () => setShowAll(true),
  };
}
