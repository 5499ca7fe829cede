// @ts-check
/*
 * Egress requests, their per-cluster targets, and the append-only audit
 * trail. Times are ISO-8601 UTC strings written by the backend
 * (`Date#toISOString`), so they compare correctly as text on SQLite and
 * PostgreSQL alike.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('egress_requests', table => {
    table.comment('Egress requests: what was asked, by whom, and the decision');
    // Monotonic sequence for newest-first ordering and cursor pagination.
    table.increments('seq').primary();
    table.string('id', 64).notNullable().unique();
    table.string('entity_ref', 255).notNullable().index();
    table.string('namespace', 63).notNullable();
    table.string('status', 16).notNullable().index();
    table.text('draft').notNullable().comment('The normalised draft as JSON');
    table.string('requested_by', 255).notNullable().index();
    table.string('requested_at', 32).notNullable();
    table.string('decided_by', 255).nullable();
    table.string('decided_at', 32).nullable();
    table.text('decision_comment').nullable();
    table.string('expires_at', 32).nullable().index();
    table
      .string('ending', 16)
      .nullable()
      .comment('While revoking: revoked or expired, the status after removal');
    table.string('updated_at', 32).notNullable();
  });

  await knex.schema.createTable('egress_request_targets', table => {
    table.comment('Apply state of one request on one target cluster');
    table
      .string('request_id', 64)
      .notNullable()
      .references('id')
      .inTable('egress_requests')
      .onDelete('CASCADE');
    table.string('cluster', 253).notNullable().index();
    table.string('status', 16).notNullable();
    table.text('last_error').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('applied_hash', 32).nullable();
    table.string('applied_at', 32).nullable();
    table.string('next_attempt_at', 32).nullable();
    table.string('lease_owner', 64).nullable();
    table.string('lease_until', 32).nullable();
    table.primary(['request_id', 'cluster']);
  });

  await knex.schema.createTable('egress_audit_events', table => {
    table.comment('Append-only audit trail; rows are never updated or deleted');
    table.increments('seq').primary();
    table.string('request_id', 64).notNullable().index();
    table.string('at', 32).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 32).notNullable();
    table.string('from_status', 16).nullable();
    table.string('to_status', 16).nullable();
    table.string('cluster', 253).nullable();
    table.text('comment').nullable();
    table.text('details').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('egress_audit_events');
  await knex.schema.dropTable('egress_request_targets');
  await knex.schema.dropTable('egress_requests');
};
