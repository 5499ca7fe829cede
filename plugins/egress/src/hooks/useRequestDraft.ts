import {
  FieldIssue,
  Protocol,
  validateDraft,
} from '@backstage-egress/plugin-egress-common';
import { useMemo, useState } from 'react';
import { RequestDraftInput } from '../api/types';

/** One port row of the form. */
export interface PortFields {
  /** As typed; converted to a number for the validator. */
  number: string;
  protocol: Protocol;
}

/** What the user typed into the request form. */
export interface DraftFields {
  /** Whether the request names hosts or IP ranges (the validator allows one kind per request). */
  destination: 'hosts' | 'addresses';
  /** One host per line or comma-separated. */
  hosts: string;
  /** IP ranges in CIDR notation, one per line or comma-separated. */
  addresses: string;
  ports: PortFields[];
  clusters: string[];
  viaEgressGateway: boolean;
  /** The gateway mode the request asks for; empty for each cluster's own. */
  gatewayMode: '' | 'passthrough' | 'mutual';
  /** Also add the namespace Sidecar that lets workloads reach registered hosts only. */
  lockdownNamespace: boolean;
  /** Also add the namespace NetworkPolicy: pods reach only istiod, the egress gateway and DNS. */
  namespaceNetworkPolicy: boolean;
  justification: string;
  /** `YYYY-MM-DD` from the date input, or empty. */
  expiresOn: string;
}

/**
 * Form fields that validation messages are shown next to; a port row's
 * number and protocol are `port:<index>` and `protocol:<index>`, messages
 * about the port list as a whole are `ports`.
 */
export type DraftField =
  | 'hosts'
  | 'addresses'
  | 'ports'
  | `port:${number}`
  | `protocol:${number}`
  | 'clusters'
  | 'viaEgressGateway'
  | 'gatewayMode'
  | 'lockdownNamespace'
  | 'namespaceNetworkPolicy'
  | 'justification'
  | 'expiresOn'
  | 'other';

/** The form field a validator path belongs to. */
export function fieldOfPath(path: string): DraftField {
  // "give at least one host (or IP ranges)" is reported on hosts; show it on
  // whichever destination field the user sees.
  if (path.startsWith('hosts')) return 'hosts';
  if (path.startsWith('addresses')) return 'addresses';
  const port = /^ports\[(\d+)\]\.(number|protocol)/.exec(path);
  if (port) return port[2] === 'protocol' ? `protocol:${Number(port[1])}` : `port:${Number(port[1])}`;
  if (path.startsWith('ports')) return 'ports';
  if (path.startsWith('clusters')) return 'clusters';
  if (path === 'viaEgressGateway') return 'viaEgressGateway';
  if (path === 'gatewayMode') return 'gatewayMode';
  if (path === 'lockdownNamespace') return 'lockdownNamespace';
  if (path === 'namespaceNetworkPolicy') return 'namespaceNetworkPolicy';
  if (path === 'justification') return 'justification';
  if (path === 'expiresAt') return 'expiresOn';
  return 'other';
}

/** Splits a list field: newlines, commas and spaces separate entries. */
export function parseList(text: string): string[] {
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
  const byAddress = fields.destination === 'addresses';
  return {
    entityRef: entity.entityRef,
    namespace: entity.namespace,
    clusters: fields.clusters,
    // Only the chosen kind of destination is sent; the other field keeps its text.
    ...(byAddress
      ? // IP ranges need resolution NONE (DNS cannot resolve a range).
        { addresses: parseList(fields.addresses), resolution: 'NONE' as const }
      : { hosts: parseList(fields.hosts) }),
    ports: fields.ports.map(p => {
      const number = p.number.trim();
      // Sent as the backend would receive it, so the validator says the same thing.
      return { number: number === '' ? (null as unknown as number) : Number(number), protocol: p.protocol };
    }),
    viaEgressGateway: fields.viaEgressGateway,
    // A mode is only sent with the gateway (the validator refuses it without).
    ...(fields.viaEgressGateway && fields.gatewayMode && { gatewayMode: fields.gatewayMode }),
    ...(fields.lockdownNamespace && { lockdownNamespace: true }),
    ...(fields.namespaceNetworkPolicy && { namespaceNetworkPolicy: true }),
    justification: fields.justification,
    ...(fields.expiresOn && { expiresAt: expiryInstant(fields.expiresOn) }),
  };
}

function groupByField(issues: FieldIssue[], destination: DraftFields['destination']) {
  const out: Partial<Record<DraftField, FieldIssue[]>> = {};
  for (const issue of issues) {
    let field = fieldOfPath(issue.path);
    if (field === 'hosts' && destination === 'addresses' && issue.code === 'destination-required') {
      field = 'addresses';
    }
    const list = (out[field] ??= []);
    if (!list.some(i => i.message === issue.message)) list.push(issue);
  }
  return out;
}

/**
 * Codes that only say a field is still empty: shown once that field was
 * touched. Every other problem shows as soon as the user has started, next
 * to its field, even one they have not touched (e.g. the gateway checkbox
 * left on when a wildcard host is typed).
 */
const EMPTY_FIELD_CODES = new Set(['destination-required', 'clusters-empty', 'ports-empty', 'required', 'justification-required']);

/** The form fields whose messages a change to `key` reveals. */
function touchedFields(key: keyof DraftFields): DraftField[] {
  if (key === 'destination') return ['hosts', 'addresses'];
  return [key as DraftField];
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
  /** From the policy summary; required when unknown. */
  requireJustification?: boolean;
  /** Problems the backend's preview found (overlaps, policy denials, warnings), already mapped to draft paths. */
  serverIssues?: { errors: FieldIssue[]; warnings: FieldIssue[] };
}) {
  const { entityRef, namespace, knownClusters, serverIssues } = options;
  const requireJustification = options.requireJustification ?? true;
  const [fields, setFields] = useState<DraftFields>({
    destination: 'hosts',
    hosts: '',
    addresses: '',
    ports: [{ number: '443', protocol: 'HTTPS' }],
    clusters: [],
    // The gateway is the safer default; the policy may require it anyway.
    viaEgressGateway: true,
    gatewayMode: '',
    lockdownNamespace: false,
    namespaceNetworkPolicy: false,
    justification: '',
    expiresOn: '',
  });
  const [touched, setTouched] = useState<Set<DraftField>>(new Set());
  const [showAll, setShowAll] = useState(false);

  // One id per opened form, sent with every preview and with the submit: the
  // preview renders the names the request will have, and a retried submit
  // finds the request it already created instead of making a second one.
  const [id] = useState(() => crypto.randomUUID());
  const draft = useMemo(
    () => ({ id, ...toDraft(fields, { entityRef, namespace }) }),
    [id, fields, entityRef, namespace],
  );
  const knownKey = knownClusters.join(',');
  const validation = useMemo(
    () =>
      validateDraft(draft, {
        knownClusters: knownKey ? knownKey.split(',') : undefined,
        requireJustification,
      }),
    [draft, knownKey, requireJustification],
  );
  const allErrors = useMemo(
    () => [...validation.errors, ...(validation.valid ? serverIssues?.errors ?? [] : [])],
    [validation, serverIssues],
  );
  const errors = useMemo(() => groupByField(allErrors, fields.destination), [allErrors, fields.destination]);
  const warnings = useMemo(
    () => groupByField([...validation.warnings, ...(serverIssues?.warnings ?? [])], fields.destination),
    [validation, serverIssues, fields.destination],
  );

  const touch = (...list: DraftField[]) =>
    setTouched(prev => {
      if (list.every(f => prev.has(f))) return prev;
      const next = new Set(prev);
      list.forEach(f => next.add(f));
      return next;
    });

  const update = <K extends keyof DraftFields>(key: K, value: DraftFields[K]) => {
    setFields(prev => ({ ...prev, [key]: value }));
    touch(...touchedFields(key));
  };

  /** Changes one port row's number or protocol. */
  const updatePort = (index: number, change: Partial<PortFields>) => {
    setFields(prev => ({
      ...prev,
      ports: prev.ports.map((p, i) => (i === index ? { ...p, ...change } : p)),
    }));
    touch(change.protocol !== undefined ? `protocol:${index}` : `port:${index}`, 'ports');
  };
  /** Adds an empty port row (HTTPS, the usual choice). */
  const addPort = () =>
    setFields(prev => ({ ...prev, ports: [...prev.ports, { number: '', protocol: 'HTTPS' }] }));
  /** Removes a port row; rows after it move up, and so do their "touched" marks. */
  const removePort = (index: number) => {
    setFields(prev => ({ ...prev, ports: prev.ports.filter((_, i) => i !== index) }));
    setTouched(prev => {
      const next = new Set<DraftField>();
      prev.forEach(f => {
        const m = /^(port|protocol):(\d+)$/.exec(f);
        if (!m) next.add(f);
        else if (Number(m[2]) < index) next.add(f);
        else if (Number(m[2]) > index) next.add(`${m[1] as 'port' | 'protocol'}:${Number(m[2]) - 1}`);
      });
      return next.add('ports');
    });
  };

  /**
   * Switches between host names and IP ranges. IP ranges cannot go through
   * the egress gateway (it routes by name), so the gateway follows the choice;
   * the user can still change it and the validator will say why not.
   */
  const chooseDestination = (destination: DraftFields['destination']) => {
    setFields(prev =>
      prev.destination === destination
        ? prev
        : { ...prev, destination, viaEgressGateway: destination === 'hosts' },
    );
  };

  const visible = (field: DraftField, issue: FieldIssue) =>
    showAll ||
    touched.has(field) ||
    field === 'other' ||
    (touched.size > 0 && !EMPTY_FIELD_CODES.has(issue.code));
  const shown = (field: DraftField, issues?: FieldIssue[]) =>
    (issues ?? []).filter(i => visible(field, i)).map(i => i.message);

  return {
    fields,
    update,
    updatePort,
    addPort,
    removePort,
    chooseDestination,
    draft,
    valid: validation.valid,
    /** Every error, shown or not yet (the reason Submit is disabled). */
    allErrors,
    /** Error messages of a field, when they should be shown. */
    errorsOf: (field: DraftField) => shown(field, errors[field]),
    warningsOf: (field: DraftField) => shown(field, warnings[field]),
    revealAll: () => setShowAll(true),
  };
}
