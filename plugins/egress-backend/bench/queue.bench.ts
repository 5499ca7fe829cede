/* eslint-disable no-console */
/**
 * The approvals queue on PostgreSQL: 50,000 requests, 500 of them pending,
 * `listRequests({ status: ['pending'] })` through the store — first page and
 * a deep cursor page — for three ages of the pending rows (oldest, spread,
 * newest), with PostgreSQL's EXPLAIN ANALYZE of each query.
 *
 *   npm run bench:queue
 *
 * Starts the private PostgreSQL of scripts/postgres.js and uses a fresh
 * database `egress_bench_queue` in it (dropped afterwards).
 */
import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseEgressStore } from '../src/database/DatabaseEgressStore';
import { fmt, machine, percentiles } from './stats';

const TOTAL = Number(process.env.BENCH_ROWS ?? 50_000);
const PENDING = 500;
const PAGE = 50;
const SAMPLES = 300;
const DB = 'egress_bench_queue';
const ROOT = path.resolve(__dirname, '../../..');
const STATUSES = ['active', 'rejected', 'cancelled', 'revoked', 'expired'];

type Layout = 'oldest' | 'spread' | 'newest';

/** Whether row n (0 = oldest) is pending in a layout. */
function pending(layout: Layout, n: number): boolean {
  if (layout === 'oldest') return n < PENDING;
  if (layout === 'newest') return n >= TOTAL - PENDING;
  return n % (TOTAL / PENDING) === 0;
}

async function fill(db: Knex, layout: Layout) {
  await db('egress_audit_events').delete();
  await db('egress_request_targets').delete();
  await db('egress_requests').delete();
  const at = new Date('2026-01-01T00:00:00Z').getTime();
  for (let i = 0; i < TOTAL; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, TOTAL - i) }, (_, j) => {
      const n = i + j;
      const when = new Date(at + n * 60_000).toISOString();
      const draft = {
        entityRef: `component:default/svc-${n % 400}`, namespace: `ns-${n % 400}`, clusters: ['dev', 'prod'],
        hosts: [`host-${n}.example.com`], addresses: [], ports: [{ number: 443, protocol: 'TLS' }], resolution: 'DNS',
        endpoints: [], viaEgressGateway: true, justification: 'benchmark', lockdownNamespace: false,
      };
      return {
        id: `req-${String(n).padStart(6, '0')}`, entity_ref: draft.entityRef, namespace: draft.namespace,
        status: pending(layout, n) ? 'pending' : STATUSES[n % STATUSES.length], draft: JSON.stringify(draft),
        requested_by: `user:default/u${n % 50}`, requested_at: when, updated_at: when,
      };
    });
    await db('egress_requests').insert(rows);
    await db('egress_request_targets').insert(rows.flatMap(r => ['dev', 'prod'].map(cluster => ({ request_id: r.id, cluster, status: 'pending', attempts: 0 }))));
  }
  await db.raw('ANALYZE');
}

async function time(fn: () => Promise<unknown>) {
  for (let i = 0; i < 30; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return percentiles(samples);
}

async function explain(db: Knex, cursorSeq?: number) {
  const sql = `SELECT egress_requests.* FROM egress_requests WHERE status IN ('pending')${cursorSeq ? ` AND seq < ${cursorSeq}` : ''} ORDER BY seq DESC LIMIT ${PAGE + 1}`;
  const { rows } = await db.raw(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`);
  return [sql, ...rows.map((r: any) => `  ${r['QUERY PLAN']}`)].join('\n');
}

async function main() {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const connection: string = await require(path.join(ROOT, 'scripts/postgres.js')).start();
  const admin = knexFactory({ client: 'pg', connection });
  await admin.raw(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.raw(`CREATE DATABASE ${DB}`);
  const db = knexFactory({ client: 'pg', connection: `${connection.replace(/\/[^/]*$/, '')}/${DB}`, pool: { min: 1, max: 5 } });
  const out: string[] = [];
  const results: Record<string, unknown> = {};
  try {
    const store = await DatabaseEgressStore.create({ database: mockServices.database({ knex: db }) });
    const { rows: indexes } = await db.raw(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'egress_requests' ORDER BY indexname`);
    out.push(`### Approvals queue on PostgreSQL: ${TOTAL} requests, ${PENDING} pending (${new Date().toISOString()})`, '');
    out.push(`Machine: ${machine()}. PostgreSQL ${(await db.raw('SHOW server_version')).rows[0].server_version} (scripts/postgres.js, fsync off).`);
    out.push(`Through \`DatabaseEgressStore.listRequests({ status: ['pending'], limit: ${PAGE} })\`; ${SAMPLES} calls per row after 30 warm-up calls.`);
    out.push(`Indexes on egress_requests: ${indexes.map((i: any) => i.indexname).join(', ')}.`, '');
    out.push('| pending rows are | page | p50 | p95 | p99 | max |', '| --- | --- | --- | --- | --- | --- |');
    const plans: string[] = [];
    for (const layout of ['oldest', 'spread', 'newest'] as Layout[]) {
      await fill(db, layout);
      const filter = { status: ['pending' as const], limit: PAGE };
      // The deep page: the last page of the pending queue (page 10 of 10).
      let cursor: string | undefined;
      for (let i = 0; i < PENDING / PAGE - 1; i++) cursor = (await store.listRequests({ ...filter, cursor })).nextCursor;
      const deep = await store.listRequests({ ...filter, cursor });
      if (deep.items.length !== PAGE || deep.items.some(r => r.status !== 'pending')) throw new Error(`deep page of ${layout}: ${deep.items.length} items`);
      const first = await time(() => store.listRequests(filter));
      const deepT = await time(() => store.listRequests({ ...filter, cursor }));
      results[layout] = { first, deep: deepT };
      out.push(`| ${layout} | first | ${fmt(first.p50)} | ${fmt(first.p95)} | ${fmt(first.p99)} | ${fmt(first.max)} |`);
      out.push(`| ${layout} | 10th (cursor) | ${fmt(deepT.p50)} | ${fmt(deepT.p95)} | ${fmt(deepT.p99)} | ${fmt(deepT.max)} |`);
      const cursorSeq = Number(Buffer.from(cursor!, 'base64url').toString().replace(/\D/g, ''));
      plans.push(`-- ${layout}, first page\n${await explain(db)}`, `-- ${layout}, 10th page\n${await explain(db, Number.isFinite(cursorSeq) && cursorSeq > 0 ? cursorSeq : undefined)}`);
    }
    // Where the store's time goes: the driver's round trip alone, and the same first-page SELECT
    // through knex without mapping the rows to requests (pending rows newest, as left by the last layout).
    const roundTrip = await time(() => db.raw('SELECT 1'));
    const unmapped = await time(() => db('egress_requests').select('egress_requests.*').whereIn('status', ['pending']).orderBy('seq', 'desc').limit(PAGE + 1));
    results.reference = { roundTrip, unmapped };
    out.push(
      '',
      'For reference, on the same connection pool (newest layout):',
      '',
      '| call | p50 | p95 | p99 | max |',
      '| --- | --- | --- | --- | --- |',
      `| \`SELECT 1\` through knex | ${fmt(roundTrip.p50)} | ${fmt(roundTrip.p95)} | ${fmt(roundTrip.p99)} | ${fmt(roundTrip.max)} |`,
      `| the first page's SELECT through knex, rows not mapped | ${fmt(unmapped.p50)} | ${fmt(unmapped.p95)} | ${fmt(unmapped.p99)} | ${fmt(unmapped.max)} |`,
    );
    out.push('', '<details><summary>EXPLAIN ANALYZE</summary>', '', '```', ...plans, '```', '', '</details>');
    console.log(out.join('\n'));
    const dir = path.join(ROOT, 'bench-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'queue.json'), `${JSON.stringify({ machine: machine(), loadavg: os.loadavg(), results }, null, 2)}\n`);
  } finally {
    await db.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.destroy();
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
