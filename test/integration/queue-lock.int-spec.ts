import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { redisConnection } from '../../src/config/redis-connection';
import type { EnvironmentVariables } from '../../src/config/env.validation';
import { OutboxJobRunner } from '../../src/modules/outbox/adapters/queue/outbox-job.runner';
import { REDIS_SERVER } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/**
 * QUEUE_LOCK_DURATION_MS reaches BullMQ's lock renewals, not only the first lock: a job that runs longer than the
 * lock keeps it (renewed every half lock) instead of being declared stalled and run a second time.
 */
describe('worker locks follow QUEUE_LOCK_DURATION_MS', () => {
  const name = `lock-test-${Date.now()}`;
  const connection = redisConnection(REDIS_SERVER);
  const queue = new Queue(name, { connection });
  let worker: Worker;

  afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('keeps the lock of a job running three times as long as the lock', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const runs: number[] = [];
    const stalled: string[] = [];
    worker = new Worker(
      name,
      async () => {
        runs.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 3000));
      },
      { connection, autorun: false }, // the defaults: a 30 s lock, renewed every 15 s
    );
    worker.on('stalled', (jobId) => stalled.push(jobId));
    const env = { APP_ROLE: 'worker', QUEUE_LOCK_DURATION_MS: 1000, QUEUE_CONCURRENCY: 1 } as EnvironmentVariables;
    new OutboxJobRunner(null as never, null as never, null as never, env).startWorker(worker);

    const job = await queue.add('slow', {});
    await waitFor(async () => (await job.getState()) === 'completed', { timeoutMs: 10_000, what: 'the slow job done' });
    expect(runs).toHaveLength(1);
    expect(stalled).toEqual([]);
  });
});
