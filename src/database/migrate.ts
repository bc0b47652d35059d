import { EnvironmentError, validateEnvironment } from '../config/env.validation';
import { prepareDatabase } from './prepare-database';

/** `npm run migration:run`: creates the database if needed and applies pending migrations. */
async function main(): Promise<void> {
  const env = validateEnvironment({ ADMIN_API_TOKEN: 'not-needed-for-migrations', ...process.env });
  const applied = await prepareDatabase(env.DATABASE_URL);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvironmentError ? error.message : `migration failed: ${(error as Error).message}`);
  process.exit(1);
});
