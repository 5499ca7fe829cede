// @ts-check
/*
 * One row per cluster and external host that a request routed through the
 * egress gateway was created for. Such a create locks the rows of its
 * clusters and hosts (an UPDATE inside the creating transaction, in sorted
 * order), then checks the live requests on those clusters for the host in the
 * other gateway mode and inserts: so two simultaneous creates from different
 * namespaces cannot give one host two modes on a cluster's gateway.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('egress_gateway_host_claims', table => {
    table.comment('Per cluster and host row locked while a request through the egress gateway is checked for its mode and stored');
    table.string('cluster', 253).notNullable();
    table.string('host', 253).notNullable();
    table.string('claimed_at', 32).notNullable();
    table.primary(['cluster', 'host']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('egress_gateway_host_claims');
};
