import './instrumentation';
import 'reflect-metadata';
import { createHttpApp, createWorkerContext } from './bootstrap';
import { EnvironmentError, validateEnvironment } from './config/env.validation';

async function main(): Promise<void> {
  const env = validateEnvironment(process.env);
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
