import { Logger } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import type { EnvironmentVariables } from '../../../../config/env.validation';
import { TransientError } from '../../../../shared/domain-error';
import { RetryPolicy } from '../../../../shared/retry-policy';
import type { UnitOfWork } from '../../../../shared/unit-of-work';
import type { OutboxEntry, OutboxHandler } from '../../domain/outbox-entry';
import type { OutboxJobData } from '../../outbox.topics';
import type { OutboxRepository } from '../persistence/outbox.repository';
import { OutboxJobRunner } from './outbox-job.runner';

/** One outbox row in memory, with the statements the runner issues against it. */
class OneRow {
  readonly statements: string[] = [];
  constructor(public row: OutboxEntry<{ messageId: string }>) {}

  readonly repository = {
    findPending: async () => {
      this.statements.push('findPending');
      return this.row.status === 'pending' ? { ...this.row } : null;
    },
    claim: async () => {
      this.statements.push('claim');
      if (this.row.status !== 'pending') return null;
      this.row = { ...this.row, status: 'done', attempts: this.row.attempts + 1 };
      return { ...this.row };
    },
    recordFailure: async (_id: string, _at: Date, _error: string, next: Date | null) => {
      this.statements.push('recordFailure');
      this.row = { ...this.row, attempts: this.row.attempts + 1, status: next ? 'pending' : 'dead' };
    },
  } as unknown as OutboxRepository;
}

const uow = { run: (work: () => Promise<unknown>) => work() } as unknown as UnitOfWork;
const env = { QUEUE_CONCURRENCY: 1, APP_ROLE: 'worker' } as EnvironmentVariables;
const pending = (attempts: number): OutboxEntry<{ messageId: string }> => ({
  id: '7',
  topic: 'triage.process',
  payload: { messageId: 'm-1' },
  status: 'pending',
  attempts,
  attemptLog: [],
  traceContext: {},
  nextAttemptAt: new Date(),
});
const jobOf = (data: OutboxJobData) =>
  ({ name: 'triage.process', data, moveToDelayed: jest.fn(async () => undefined) }) as unknown as Job<OutboxJobData> & {
    moveToDelayed: jest.Mock;
  };

describe('OutboxJobRunner with a handler that prepares before its transaction', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));

  it('starts from the payload the job carries, without reading the row first', async () => {
    const store = new OneRow(pending(0));
    const seen: unknown[] = [];
    const handler: OutboxHandler<{ messageId: string }> = {
      prepare: async (payload) => `understood ${payload.messageId}`,
      handle: async (payload, context) => void seen.push(payload, context.attempt, context.prepared),
    };
    const runner = new OutboxJobRunner(store.repository, uow, new RetryPolicy(), env);

    await runner.run(jobOf({ outboxId: '7', payload: { messageId: 'm-1' }, traceContext: {} }), 'token', handler);

    expect(store.statements).toEqual(['claim']);
    expect(seen).toEqual([{ messageId: 'm-1' }, 1, 'understood m-1']);
  });

  it('reads the row when the relay published the job without a payload', async () => {
    const store = new OneRow(pending(0));
    const handler: OutboxHandler<{ messageId: string }> = { prepare: async () => null, handle: async () => undefined };
    await new OutboxJobRunner(store.repository, uow, new RetryPolicy(), env).run(
      jobOf({ outboxId: '7' }),
      'token',
      handler,
    );
    expect(store.statements).toEqual(['findPending', 'claim']);
  });

  it('counts a failed preparation as the try after those the row records, and schedules the next', async () => {
    const store = new OneRow(pending(2)); // two tries failed before this one
    const handler: OutboxHandler<{ messageId: string }> = {
      prepare: async () => {
        throw new TransientError('the model is busy');
      },
      handle: async () => undefined,
    };
    const job = jobOf({ outboxId: '7', payload: { messageId: 'm-1' }, traceContext: {} });
    const policy = new RetryPolicy(undefined, () => 0);

    await expect(new OutboxJobRunner(store.repository, uow, policy, env).run(job, 'token', handler)).rejects.toThrow(
      DelayedError,
    );

    expect(store.row).toMatchObject({ status: 'pending', attempts: 3 });
    const [[at]] = job.moveToDelayed.mock.calls as [[number]];
    expect(at - Date.now()).toBeGreaterThan(15_000); // the third try's backoff: 16 s
  });

  it('does nothing more when the row was finished by another worker while this one prepared', async () => {
    const store = new OneRow({ ...pending(1), status: 'done' });
    const handler: OutboxHandler<{ messageId: string }> = {
      prepare: async () => {
        throw new TransientError('the model is busy');
      },
      handle: async () => undefined,
    };
    const job = jobOf({ outboxId: '7', payload: { messageId: 'm-1' }, traceContext: {} });
    await new OutboxJobRunner(store.repository, uow, new RetryPolicy(), env).run(job, 'token', handler);
    expect(store.statements).toEqual(['findPending']);
    expect(job.moveToDelayed).not.toHaveBeenCalled();
  });
});
