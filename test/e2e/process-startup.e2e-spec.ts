import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { request, webchatId } from '../support/http';
import { envToStrings, spawnService } from '../support/service-process';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

describe('start-up checks the environment', () => {
  const base = { ADMIN_API_TOKEN: 'a-long-enough-admin-token', LOG_LEVEL: 'warn' };

  it.each([
    ['PORT', { PORT: 'eighty' }, /PORT: .*must be an integer/],
    ['APP_ROLE', { APP_ROLE: 'everything' }, /APP_ROLE: must be one of all, api, worker \(got "everything"\)/],
    ['TZ_BUSINESS', { TZ_BUSINESS: 'Mars/Olympus' }, /TZ_BUSINESS: must be an IANA time zone/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/volna' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
    [
      'ADMIN_API_TOKEN',
      { ADMIN_API_TOKEN: '' },
      /ADMIN_API_TOKEN: must be set to a secret of at least 16 characters \(not set\)/,
    ],
  ])('a bad %s stops the process with exit code 1 and names it', async (_name, bad, message) => {
    const service = await spawnService({ ...base, ...bad } as Record<string, string>, { waitReady: false });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(message);
    expect(service.output()).toMatch(/^Invalid environment:/m);
  });

  it('LLM_DATA_RESIDENCY=ru with an LLM host abroad stops the process with one clear line', async () => {
    const service = await spawnService(
      { ...base, LLM_DATA_RESIDENCY: 'ru', OPENAI_API_KEY: 'sk-proj-secret-key-0123' },
      { waitReady: false },
    );
    expect(await service.exited).toBe(1);
    expect(service.output().trim().split('\n')).toEqual([
      'Invalid environment: LLM_DATA_RESIDENCY: is ru, but the openai endpoint OPENAI_BASE_URL (api.openai.com) is ' +
        'outside Russia: use gigachat or yandexgpt, a model on a loopback or private address, or add the host to ' +
        'LLM_RU_HOSTS (got "ru")',
    ]);
    expect(service.output()).not.toContain('sk-proj-secret');
  });

  it('lists every problem, one line each, and never prints a secret', async () => {
    const service = await spawnService(
      { ...base, PORT: '0', RETRY_FACTOR: 'x', REDIS_URL: 'http://user:s3cret-pass@host' },
      { waitReady: false },
    );
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(service.output()).not.toContain('s3cret-pass');
  });

  it('a healthy instance starts, serves, and stops cleanly on SIGTERM', async () => {
    const env = envToStrings(testEnv());
    const service = await spawnService(env);
    try {
      const answer = await request(`${service.url}/api/v1/webchat/messages`, {
        body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'добрый вечер' },
      });
      expect(answer.status).toBe(202);
      const started = Date.now();
      service.child.kill('SIGTERM');
      await service.exited;
      expect(service.child.signalCode === 'SIGTERM' || service.child.exitCode === 0).toBe(true);
      expect(Date.now() - started).toBeLessThan(10000);
      expect(service.output()).not.toMatch(/"level":50/); // no error logged while shutting down
    } finally {
      await service.kill();
      await dropDatabase(env.DATABASE_URL);
    }
  });

  it('npm run migration:run creates the database when missing and applies the migrations once', async () => {
    const env = envToStrings(testEnv());
    const migrate = () =>
      promisify(execFile)(process.execPath, [path.resolve(__dirname, '../../dist/src/database/migrate.js')], {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: env.DATABASE_URL },
      });
    try {
      expect((await migrate()).stdout).toMatch(/^applied: InitialSchema\d+, AcceptInboundFunction\d+/);
      expect((await migrate()).stdout).toMatch(/database is up to date/);
      const db = await connectDatabase(env.DATABASE_URL);
      const tables = await db.query(
        "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'outbox'",
      );
      await db.end();
      expect(tables.rows[0].n).toBe(1);
    } finally {
      await dropDatabase(env.DATABASE_URL);
    }
  });

  it('exports the traces over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const received: string[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const env = envToStrings(testEnv());
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const service = await spawnService({
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    try {
      await request(`${service.url}/api/v1/webchat/messages`, {
        body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'здравствуйте' },
      });
      const exported = await waitFor(async () => received.find((r) => r.includes('inbound.receive')), {
        timeoutMs: 30000,
        what: 'the webhook span at the collector',
      });
      expect(exported).toMatch(/^POST \/v1\/traces /);
      await waitFor(async () => received.some((r) => r.includes('crm.sync')), {
        timeoutMs: 30000,
        what: `the crm.sync span at the collector (${received.length} exports so far)`,
      });
    } finally {
      await service.kill('SIGTERM');
      collector.close();
      await dropDatabase(env.DATABASE_URL);
    }
  });
});
