// @ts-check
/*
 * The egress gateway mode a request asked for, as a column: null when it
 * takes each cluster's mode (every row written before the field existed).
 * The draft JSON keeps the same field; the column lets the database answer
 * which requests chose a mode.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('egress_requests', table => {
    table.string('gateway_mode', 16).nullable().comment("The egress gateway mode the request asked for (passthrough or mutual); null: the cluster's");
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('egress_requests', table => {
    table.dropColumn('gateway_mode');
  });
};
