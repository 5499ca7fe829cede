/**
 * One API contract: the wire types are generated from the backend's
 * openapi.yaml, the committed generation is current, and the domain types an
 * answer carries are exactly what the spec says. The type checks below are
 * compile-time (`tsc` fails when the spec and a domain type part); the tests
 * run them through values and compare the generated file.
 */
import fs from 'node:fs';
import type { components } from './generated/openapi';
import type { EgressRequestRecord } from './api';
import type { KubernetesManifest } from './manifests';
import type { EgressRequestDraft, EgressRequestStatus, Protocol, TargetApplyStatus } from './model';
import type { PolicyEvaluation } from './policy';
import type { RiskFlag } from './risk';
import type { FieldIssue } from './validation';

// Plain CommonJS shared with `npm run generate:openapi`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateWireTypes, OUTPUT } = require('../../../scripts/openapi-types');

type Schemas = components['schemas'];

/** true when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const sameTypes: {
  riskFlag: Equal<RiskFlag, Schemas['RiskFlag']>;
  fieldIssue: Equal<FieldIssue, Schemas['FieldIssue']>;
  manifest: Equal<KubernetesManifest, Schemas['KubernetesManifest']>;
  requestStatus: Equal<EgressRequestStatus, Schemas['RequestStatus']>;
  targetStatus: Equal<TargetApplyStatus, Schemas['Target']['status']>;
  protocol: Equal<Protocol, Schemas['PolicySummary']['allowedProtocols'][number]>;
  policyEvaluation: Equal<PolicyEvaluation, Schemas['PolicyEvaluation']>;
} = {
  riskFlag: true,
  fieldIssue: true,
  manifest: true,
  requestStatus: true,
  targetStatus: true,
  protocol: true,
  policyEvaluation: true,
};

/** The domain-typed answers are assignable to what the spec says the wire carries. */
const asWireRequest = (record: EgressRequestRecord): Schemas['EgressRequest'] => record;
const asWireDraft = (draft: EgressRequestDraft): Schemas['RequestDraft'] => draft;

describe('the API contract', () => {
  it('has wire types generated from the current openapi.yaml (run `npm run generate:openapi` after editing it)', async () => {
    const committed = fs.readFileSync(OUTPUT, 'utf8');
    expect(committed).toBe(await generateWireTypes());
  }, 60_000);

  it('uses the spec\'s types for the domain objects an answer carries', () => {
    expect(Object.values(sameTypes).every(Boolean)).toBe(true);
    const record: EgressRequestRecord = {
      id: '3f9c1e2a-0000-4000-8000-000000000001',
      entityRef: 'component:default/payments-api',
      namespace: 'payments',
      clusters: ['c1'],
      hosts: ['api.stripe.com'],
      ports: [{ number: 443, protocol: 'HTTPS' }],
      viaEgressGateway: false,
      justification: 'card payments',
      status: 'revoking',
      ending: 'expired',
      requestedBy: 'user:default/alice',
      requestedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      riskFlags: [{ code: 'no-expiry', message: 'No expiry' }],
    };
    expect(asWireRequest(record)).toBe(record);
    expect(asWireDraft(record)).toBe(record);
  });
});
