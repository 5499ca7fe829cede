/**
 * Two replicas of the backend package (real processes, the development config)
 * share one PostgreSQL and one real test cluster. The replica holding a
 * request's cluster while applying it is killed (SIGKILL) while the API server
 * is frozen, so the apply is cut mid-way: the other replica completes it once
 * the lease has expired, and the request is applied exactly once.
 */
import { ClusterInfo, ensureBinaries, pauseApiserver, resumeApiserver, startCluster, stopCluster } from '@backstage-egress/testenv';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { StartedBackend, demoSignIn, startBackend } from './__testUtils__/startBackend';

jest.setTimeout(600_000);

const NAME = 't-replicas';
const LEASE_SECONDS = 10;
const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const pgUrl = process.env[PG_ENV];
/** Every plugin's database of this test starts with it (backend.database.prefix). */
const prefix = `egress_replicas_${randomBytes(4).toString('hex')}_`;
let cluster: ClusterInfo;
const replicas: StartedBackend[] = [];

function startReplica() {
  return startBackend({
    configFiles: ['app-config.yaml', 'app-config.development.yaml'],
    nodeEnv: 'development',
    settings: {
      database: ['    client: pg', `    connection: ${JSON.stringify(pgUrl)}`, `    prefix: ${prefix}`],
      egress: [
        '  clusters:',
        `    - name: ${NAME}`,
        `      url: ${cluster.server}`,
        `      caData: ${cluster.caData}`,
        `      serviceAccountToken: ${cluster.tokens['backstage-egress']}`,
        '  reconcileIntervalSeconds: 1',
        `  applyLeaseSeconds: ${LEASE_SECONDS}`,
      ],
    },
  });
}

/** A demo user's Authorization header, once the replica's catalog has ingested them. */
async function signIn(baseUrl: string, user: string) {
  for (let i = 0; i < 240; i++) {
    const res = await demoSignIn(baseUrl, user);
    if (res.ok) return `Bearer ${(await res.json()).backstageIdentity.token}`;
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`could not sign in ${user}`);
}

/** The request's only target row, straight from the egress plugin's database. */
async function targetRow(id: string): Promise<{ lease_owner: string | null; lease_until: string | null; status: string }> {
  const client = new Client({ connectionString: pgUrl!.replace(/\/[^/]*$/, `/${prefix}egress`) });
  await client.connect();
  try {
    const { rows } = await client.query('select lease_owner, lease_until, status from egress_request_targets where request_id = $1', [id]);
    return rows[0];
  } finally {
    await client.end();
  }
}

/** node-postgres' client, as far as this test uses it (the package ships no type declarations). */
type PgClient = {
  connect(): Promise<void>;
  query(text: string, values: unknown[]): Promise<{ rows: any[] }>;
  end(): Promise<void>;
};
const { Client } = require('pg') as { Client: new (options: { connectionString: string }) => PgClient };

/** The process group of a process (field 5 of /proc/PID/stat). */
const processGroupOf = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[2]);

beforeAll(async () => {
  if (!pgUrl) throw new Error(`${PG_ENV} is not set: start PostgreSQL with \`node scripts/postgres.js --env\``);
  cluster = await startCluster({ name: NAME });
  replicas.push(await startReplica(), await startReplica());
}, 600_000);

afterAll(async () => {
  await resumeApiserver(NAME).catch(() => undefined);
  await Promise.all(replicas.map(r => r.stop()));
  await stopCluster(NAME);
}, 120_000);

it('completes an apply cut by a killed replica once the lease expires, applying it once', async () => {
  const [first] = replicas;
  const alice = await signIn(first.baseUrl, 'alice');
  const carol = await signIn(first.baseUrl, 'carol');
  const created = await fetch(`${first.baseUrl}/api/egress/requests`, {
    method: 'POST',
    headers: { Authorization: alice, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      entityRef: 'component:default/payments-api',
      clusters: [NAME],
      hosts: ['api.replicas.example.com'],
      ports: [{ number: 443, protocol: 'TLS' }],
      viaEgressGateway: false,
      justification: 'Two replicas, one killed mid-apply',
    }),
  });
  expect(created.status).toBe(201);
  const id: string = (await created.json()).id;

  // The API server freezes; the approval starts the apply, which hangs holding the target's lease.
  await pauseApiserver(NAME);
  const approval = fetch(`${first.baseUrl}/api/egress/requests/${id}/approve`, {
    method: 'POST',
    headers: { Authorization: carol, 'Content-Type': 'application/json' },
    body: '{}',
  }).catch(() => undefined);
  let held = await targetRow(id);
  for (let i = 0; i < 200 && !held.lease_owner; i++) {
    await new Promise(r => setTimeout(r, 100));
    held = await targetRow(id);
  }
  expect(held.lease_owner).toBeTruthy();
  expect(held.status).not.toBe('applied');

  // Kill the replica holding the lease (its process id leads the lease owner id), then thaw the API server.
  const holderPid = Number(held.lease_owner!.split('@')[0]);
  const holder = replicas.find(r => r.processGroup === processGroupOf(holderPid))!;
  expect(holder).toBeDefined();
  await holder.kill();
  await approval;
  await resumeApiserver(NAME);
  const survivor = replicas.find(r => r !== holder)!;
  const owner = await signIn(survivor.baseUrl, 'alice');

  let detail: any;
  for (let i = 0; i < 120; i++) {
    detail = await (await fetch(`${survivor.baseUrl}/api/egress/requests/${id}`, { headers: { Authorization: owner } })).json();
    // The target is marked applied first, then the request turns active: wait for both.
    if (detail.targets?.[0]?.status === 'applied' && detail.request?.status === 'active') break;
    await new Promise(r => setTimeout(r, 500));
  }
  expect(detail.targets[0]).toEqual(expect.objectContaining({ cluster: NAME, status: 'applied', attempts: 1 }));
  expect(detail.request.status).toBe('active');
  // Not before the killed replica's lease expired, and applied once.
  expect(Date.parse(detail.targets[0].appliedAt)).toBeGreaterThanOrEqual(Date.parse(held.lease_until!));
  expect(detail.events.filter((e: { action: string }) => e.action === 'applied')).toHaveLength(1);
  const { kubectl } = await ensureBinaries();
  const out = execFileSync(kubectl, ['--kubeconfig', cluster.kubeconfigPath, 'get', 'serviceentries', '-n', 'payments', '-l', `egress.backstage.io/request-id=${id}`, '-o', 'json'], { encoding: 'utf8' });
  const items = JSON.parse(out).items;
  expect(items).toHaveLength(1);
  expect(items[0].metadata.generation).toBe(1);
});
