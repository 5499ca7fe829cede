// @ts-check
/*
 * Whether a request asks for its namespace's NetworkPolicy, as a column: the
 * policy is shared by every request of the namespace asking for it, and is
 * deleted with the last one, so the reconciler and the orphan check look for
 * a remaining request that asks for it in the namespace. The draft JSON keeps
 * the same field; the column lets the database answer that question. Rows
 * written before the option existed do not ask for it.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('egress_requests', table => {
    table.boolean('network_policy').notNullable().defaultTo(false).comment('The request asks for the namespace NetworkPolicy');
    table.index(['namespace', 'network_policy'], 'egress_requests_namespace_network_policy_index');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('egress_requests', table => {
    table.dropIndex([], 'egress_requests_namespace_network_policy_index');
    table.dropColumn('network_policy');
  });
};
