import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { CorsOptionsCallback } from '@nestjs/common/interfaces/external/cors-options.interface';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { EnvironmentVariables } from './config/env.validation';
import { useJsonBodies } from './http/body-parsing';
import { OutboxJobRunner, OUTBOX_TOPICS } from './modules/outbox';

/** The HTTP application (APP_ROLE all or api), not yet listening. */
export async function createHttpApp(env: EnvironmentVariables): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(env), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  return configureHttpApp(app, env);
}

/** Body limits, logging, OpenAPI and shutdown hooks; then init. Shared with tests that override providers. */
export async function configureHttpApp(app: INestApplication, env: EnvironmentVariables): Promise<INestApplication> {
  app.useLogger(app.get(Logger));
  allowWidgetOrigins(app, env);
  useJsonBodies(app);
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Volna')
      .setDescription('Lead intake: webhooks, webchat, admin API')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  assertEveryTopicHasHandler(app, env);
  return app;
}

/**
 * The chat widget runs on the client's own website, so the webchat endpoints answer cross-origin requests (from
 * WEBCHAT_ALLOWED_ORIGINS, any origin by default: no cookies are involved). Nothing else does.
 */
function allowWidgetOrigins(app: INestApplication, env: EnvironmentVariables): void {
  const allowed =
    env.WEBCHAT_ALLOWED_ORIGINS === '*' ? true : env.WEBCHAT_ALLOWED_ORIGINS.split(',').map((o) => o.trim());
  app.enableCors((request: { url?: string }, callback: CorsOptionsCallback) =>
    callback(null, {
      origin: request.url?.startsWith('/api/v1/webchat/') ? allowed : false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type'],
      exposedHeaders: ['Retry-After'],
      maxAge: 600,
    }),
  );
}

/** Processors and the outbox relay only (APP_ROLE worker): no HTTP. */
export async function createWorkerContext(env: EnvironmentVariables): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(env), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  assertEveryTopicHasHandler(app, env);
  return app;
}

/**
 * A topic without a processor would pile up silently, and a pool smaller than the workers' needs would stall
 * them: refuse to start instead.
 */
function assertEveryTopicHasHandler(app: INestApplicationContext, env: EnvironmentVariables): void {
  if (env.APP_ROLE === 'api') return;
  // Each running job holds a connection (a CRM sync only for a statement at a time while it calls the CRM); plus
  // the relay and a few for HTTP.
  const needed = env.QUEUE_CONCURRENCY * OUTBOX_TOPICS.length + env.TRIAGE_CONCURRENCY + 5;
  if (env.DATABASE_POOL_SIZE < needed) {
    throw new Error(
      `DATABASE_POOL_SIZE=${env.DATABASE_POOL_SIZE} is too small for QUEUE_CONCURRENCY=${env.QUEUE_CONCURRENCY} ` +
        `and TRIAGE_CONCURRENCY=${env.TRIAGE_CONCURRENCY}: workers may need ${needed} connections`,
    );
  }
  const handled = app.get(OutboxJobRunner).topicsWithHandler;
  const missing = OUTBOX_TOPICS.filter((topic) => !handled.has(topic));
  if (missing.length > 0) throw new Error(`no processor for outbox topics: ${missing.join(', ')}`);
}
