import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../src/app.module';
import { configureHttpApp } from '../../src/bootstrap';
import type { EnvironmentVariables } from '../../src/config/env.validation';
import { dropDatabase } from './test-env';

export interface RunningApp {
  app: INestApplication;
  url: string;
  close(options?: { dropDatabase?: boolean }): Promise<void>;
}

export type ProviderOverride = [token: abstract new (...args: never[]) => unknown, value: unknown];

/** The real application, in this process, listening on a free local port. */
export async function startApp(env: EnvironmentVariables, overrides: ProviderOverride[] = []): Promise<RunningApp> {
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(env)] });
  for (const [token, value] of overrides) builder = builder.overrideProvider(token).useValue(value);
  const moduleRef = await builder.compile();
  const app = await configureHttpApp(moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true }), env);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async close(options = { dropDatabase: true }) {
      await app.close();
      if (options.dropDatabase) await dropDatabase(env.DATABASE_URL);
    },
  };
}
