import './instrumentation';
import 'reflect-metadata';
import { createHttpApp, createWorkerContext } from './bootstrap';
import { EnvironmentError, validateEnvironment } from './config/env.validation';

const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  const env = validateEnvironment(process.env);
  // Nest drains HTTP and workers on SIGTERM; should anything hang, leave before the orchestrator's SIGKILL.
  process.once('SIGTERM', () => setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref());
  if (env.APP_ROLE === 'worker') {
    await createWorkerContext(env);
    return;
  }
  const app = await createHttpApp(env);
  await app.listen(env.PORT);
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvironmentError ? error.message : `Volna failed to start: ${(error as Error).stack}`);
  process.exit(1);
});
