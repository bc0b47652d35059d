import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { validateEnvironment, type EnvironmentVariables } from '../../src/config/env.validation';

export const PG_SERVER = process.env.TEST_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432';
export const REDIS_SERVER = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** A fresh database name and queue prefix per suite, so suites never see each other's rows or jobs. */
export function testEnv(overrides: Record<string, string> = {}): EnvironmentVariables {
  const id = randomBytes(4).toString('hex');
  return validateEnvironment({
    DATABASE_URL: `${PG_SERVER}/volna_test_${id}`,
    REDIS_URL: REDIS_SERVER,
    QUEUE_PREFIX: `vt-${id}`,
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    RETRY_BASE_MS: '20',
    OUTBOX_LEASE_MS: '1000',
    OUTBOX_SWEEP_INTERVAL_MS: '200',
    QUEUE_LOCK_DURATION_MS: '2000',
    CRM_CREATE_SETTLE_MS: '0',
    SHUTDOWN_DRAIN_MS: '0',
    ...overrides,
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A direct connection to the suite's database, for assertions on what was stored. */
export async function connectDatabase(databaseUrl: string): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}
