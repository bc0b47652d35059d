import { Queue } from 'bullmq';
import type { Client } from 'pg';
import { redisConnection } from '../../src/config/redis-connection';
import { OutboxRelay } from '../../src/modules/outbox';
import { startApp, type RunningApp } from '../support/app-harness';
import { connectDatabase, testEnv } from '../support/test-env';

/**
 * The relay's routine sweep looks only at rows that should have run by now: a job due tomorrow (a reminder) or in
 * a few seconds (a retry) is left alone until it is due, while an overdue row whose job vanished is published
 * again.
 */
describe('the outbox relay sweeps what can be late, and only that', () => {
  // APP_ROLE=api: no worker takes the jobs and no timer sweeps; the test calls sweep() itself.
  const env = testEnv({ APP_ROLE: 'api', OUTBOX_LEASE_MS: '30000' });
  let running: RunningApp;
  let db: Client;
  let queue: Queue;

  beforeAll(async () => {
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
    queue = new Queue('reply.send.webchat', { connection: redisConnection(env.REDIS_URL), prefix: env.QUEUE_PREFIX });
    await running.app.get(OutboxRelay).sweep(); // the first sweep (no marker yet) checks everything: get it done
  });
  afterAll(async () => {
    await queue?.close();
    await db?.end();
    await running?.close();
  });

  const row = async (publishedAgo: string, dueIn: string): Promise<string> => {
    const { rows } = await db.query(
      `INSERT INTO outbox (topic, payload, published_at, next_attempt_at)
       VALUES ('reply.send.webchat', '{"messageId": "00000000-0000-0000-0000-000000000000"}',
               now() - $1::interval, now() + $2::interval) RETURNING id, published_at`,
      [publishedAgo, dueIn],
    );
    return String(rows[0].id);
  };
  const publishedAt = async (id: string) =>
    (await db.query('SELECT published_at FROM outbox WHERE id = $1', [id])).rows[0].published_at as Date;

  it('leaves published jobs that are not due yet, and publishes again the overdue ones whose job is gone', async () => {
    const tomorrow = await row('1 hour', '1 day');
    const retrySoon = await row('1 minute', '10 seconds');
    const overdueMissing = await row('1 hour', '-5 minutes');
    const before = { tomorrow: await publishedAt(tomorrow), retrySoon: await publishedAt(retrySoon) };

    const republished = await running.app.get(OutboxRelay).sweep();

    expect(republished).toBe(1);
    expect(await publishedAt(tomorrow)).toEqual(before.tomorrow);
    expect(await publishedAt(retrySoon)).toEqual(before.retrySoon);
    expect(await queue.getJobState(`ob-${overdueMissing}`)).toMatch(/waiting|delayed|prioritized/);
    expect(await queue.getJobState(`ob-${tomorrow}`)).toBe('unknown');
  });
});
