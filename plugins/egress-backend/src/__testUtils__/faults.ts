import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, REQUEST_ID_LABEL } from '@backstage-egress/plugin-egress-common';
import { ClusterInfo, ensureBinaries } from '@backstage-egress/testenv';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { owner, platform } from './clusterBackend';

/** What the fault tests need of a running egress backend: its HTTP server and one reconciler pass. */
export interface ReconcilingBackend {
  server: any;
  reconcile(): Promise<void>;
}

/** kubectl as the cluster's admin; its stdout. */
export async function kubectl(cluster: ClusterInfo, args: string[], input?: unknown): Promise<string> {
  const { kubectl: bin } = await ensureBinaries();
  return execFileSync(bin, ['--kubeconfig', cluster.kubeconfigPath, ...args], {
    encoding: 'utf8',
    input: input === undefined ? undefined : JSON.stringify(input),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The request's own objects in namespace payments (name, kind, generation), read as admin. */
export async function objectsOf(cluster: ClusterInfo, requestId: string) {
  const out = await kubectl(cluster, ['get', 'serviceentries,gateways,destinationrules,virtualservices', '-n', 'payments', '-l', `${REQUEST_ID_LABEL}=${requestId}`, '-o', 'json']);
  return (JSON.parse(out).items as Array<{ kind: string; metadata: { name: string; generation: number; managedFields?: Array<{ manager: string }> } }>).map(o => ({
    kind: o.kind,
    name: o.metadata.name,
    generation: o.metadata.generation,
    managers: (o.metadata.managedFields ?? []).map(f => f.manager),
  }));
}

/** Polls `check` every `intervalMs` until it returns a value, or throws with `what` after the timeout. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
    await new Promise(r => setTimeout(r, intervalMs));
  }
}

export const detailOf = async (backend: ReconcilingBackend, id: string) =>
  (await request(backend.server).get(`/api/egress/requests/${id}`).set('Authorization', owner)).body;

/** Creates a request as its owner and approves it as the platform team; its id. */
export async function createAndApprove(backend: ReconcilingBackend, body: object): Promise<string> {
  const created = await request(backend.server).post('/api/egress/requests').set('Authorization', owner).send(body);
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const approved = await request(backend.server).post(`/api/egress/requests/${created.body.id}/approve`).set('Authorization', platform).send({});
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  return created.body.id;
}

/**
 * Runs reconciler passes, as the scheduler would every interval, until every target of the
 * request is applied and the request active; its detail then.
 */
export async function converged(backend: ReconcilingBackend, id: string, timeoutMs = 30_000) {
  return until(`request ${id} to be applied on every target`, async () => {
    await backend.reconcile();
    const detail = await detailOf(backend, id);
    const done = detail.request.status === 'active' && detail.targets.every((t: { status: string }) => t.status === 'applied');
    return done ? detail : undefined;
  }, timeoutMs, 1_000);
}

/**
 * A ValidatingAdmissionPolicy (with its binding) refusing every create or update of a
 * ServiceEntry of the request, as a cluster's own policy would; resolves once the API server
 * enforces it (a server-side dry run is refused). `remove()` lifts it and waits the same way.
 */
export async function refuseServiceEntriesOf(cluster: ClusterInfo, requestId: string) {
  const name = `refuse-${requestId.slice(0, 8)}`;
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: ['networking.istio.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['serviceentries'] }],
      },
      validations: [{
        expression: `!has(object.metadata.labels) || !('${REQUEST_ID_LABEL}' in object.metadata.labels) || object.metadata.labels['${REQUEST_ID_LABEL}'] != '${requestId}'`,
        message: 'ServiceEntries of this request are refused by the fault test',
      }],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName: name, validationActions: ['Deny'] },
  };
  const probe = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: `${name}-probe`, namespace: 'payments', labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [REQUEST_ID_LABEL]: requestId } },
    spec: { hosts: ['probe.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' },
  };
  const refused = async () => {
    try {
      await kubectl(cluster, ['create', '--dry-run=server', '-f', '-'], probe);
      return false;
    } catch (e) {
      if (/refused by the fault test/.test(String((e as { stderr?: string }).stderr ?? e))) return true;
      throw e;
    }
  };
  await kubectl(cluster, ['apply', '--server-side', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: [policy, binding] });
  await until('the admission policy to be enforced', async () => ((await refused()) ? true : undefined), 30_000);
  return {
    async remove() {
      await kubectl(cluster, ['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', name]);
      await until('the admission policy to be lifted', async () => ((await refused()) ? undefined : true), 30_000);
    },
  };
}
