import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { PrivateRedis } from '../support/redis-server';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

describe('health: liveness and readiness', () => {
  let redis: PrivateRedis;
  let running: RunningApp;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    running = await startApp(testEnv({ REDIS_URL: redis.url }));
  });
  afterAll(async () => {
    await running?.close();
    await redis?.stop();
  });

  const ready = () => request(`${running.url}/health/ready`);

  it('live answers 200 while the process runs', async () => {
    expect(await request(`${running.url}/health/live`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('ready is 200 with Postgres and Redis up, 503 naming redis while Redis is down, 200 again after', async () => {
    expect(await ready()).toMatchObject({
      status: 200,
      body: { status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } },
    });

    await redis.stop();
    const down = await waitFor(
      async () => {
        const answer = await ready();
        return answer.status === 503 && answer;
      },
      { what: '503 while Redis is down' },
    );
    expect(down.contentType).toContain('application/problem+json');
    expect(down.body.detail).toBe('Not ready: redis down');
    expect(down.body.down).toEqual(['redis']);
    expect(down.body.checks.database.status).toBe('up');

    await redis.start();
    await waitFor(async () => (await ready()).status === 200, { timeoutMs: 10000, what: '200 after Redis is back' });
  });
});
