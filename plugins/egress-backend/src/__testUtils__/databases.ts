import { TestDatabases } from '@backstage/backend-test-utils';

/** backend-test-utils' id of the PostgreSQL started by scripts/postgres.js. */
export const POSTGRES_ID = 'POSTGRES_15';
const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * SQLite and PostgreSQL for store and workflow tests. In CI a missing
 * PostgreSQL is an error, not a silent skip (`npm test` starts one).
 */
export function createTestDatabases(): TestDatabases {
  if (process.env.CI && !process.env[POSTGRES_ENV]) {
    throw new Error(
      `${POSTGRES_ENV} is not set: start PostgreSQL with \`node scripts/postgres.js --env\` (npm test does this)`,
    );
  }
  return TestDatabases.create({ ids: ['SQLITE_3', POSTGRES_ID], disableDocker: true });
}
