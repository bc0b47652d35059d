import './instrumentation';
import 'reflect-metadata';
import { createHttpApp, createWorkerContext } from './bootstrap';
import { EnvironmentError, validateEnvironment } from './config/env.validation';

const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  const env = validateEnvironment(process.env);
  // On SIGTERM Nest stops in order: readiness 503 and the drain (ShutdownDrain), HTTP closed once its requests are
  // answered, workers finishing their jobs, then queues and the database. Should anything hang, leave before the
  // orchestrator's SIGKILL (terminationGracePeriodSeconds 30): a job left unfinished goes back to the queue when
  // its lock lapses, and the outbox relay re-publishes anything else.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () =>
      setTimeout(() => {
        console.error(`Volna: still stopping ${SHUTDOWN_DEADLINE_MS / 1000} s after ${signal}; exiting now`);
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref(),
    );
  }
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
