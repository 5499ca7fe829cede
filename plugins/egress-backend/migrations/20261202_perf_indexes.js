// @ts-check
/*
 * Indexes for the pages the portal reads most, newest first by `seq`: the
 * approvals queue (`status`) and the entity tab (`entity_ref`). With the
 * single-column indexes, PostgreSQL walked the primary key backwards and
 * discarded every row of another status (tens of thousands at 50,000 rows
 * when the pending ones are old); (status, seq) and (entity_ref, seq) read a
 * page directly, whatever the age of its rows. They replace the single-column
 * indexes, which they cover as prefixes.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('egress_requests', table => {
    table.index(['status', 'seq'], 'egress_requests_status_seq_index');
    table.index(['entity_ref', 'seq'], 'egress_requests_entity_ref_seq_index');
    table.dropIndex(['status']);
    table.dropIndex(['entity_ref']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('egress_requests', table => {
    table.index(['status']);
    table.index(['entity_ref']);
    table.dropIndex([], 'egress_requests_status_seq_index');
    table.dropIndex([], 'egress_requests_entity_ref_seq_index');
  });
};
