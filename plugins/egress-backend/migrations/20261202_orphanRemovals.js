// @ts-check
/*
 * Audit trail of orphan removals: resources carrying the plugin's managed-by
 * label that no live request accounted for, deleted by a platform-team member.
 * Append-only; the request may be unknown to the database, so this is not
 * part of egress_audit_events (which belongs to stored requests).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('egress_orphan_removals', table => {
    table.comment('Append-only audit trail of orphaned resources removed by the platform team');
    table.increments('seq').primary();
    table.string('at', 32).notNullable();
    table.string('actor', 255).notNullable();
    table.string('cluster', 253).notNullable();
    table.string('kind', 64).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('name', 253).notNullable();
    table.string('request_id', 64).nullable();
    table.string('reason', 32).notNullable();
    table.text('comment').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('egress_orphan_removals');
};
