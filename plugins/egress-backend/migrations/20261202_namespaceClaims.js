// @ts-check
/*
 * One row per namespace that requests were created in. Creating a request
 * locks its namespace's row (an UPDATE inside the creating transaction), then
 * checks the namespace's live requests for overlapping hosts and inserts: so
 * two simultaneous creates for the same host cannot both pass the check.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('egress_namespace_claims', table => {
    table.comment('Per-namespace row locked while a request is checked for overlaps and stored');
    table.string('namespace', 63).primary();
    table.string('claimed_at', 32).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('egress_namespace_claims');
};
