import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job, type Worker } from 'bullmq';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { isStorageUnavailable } from '../../../../database/storage-unavailable';
import { deliveryRetries } from '../../../../observability/metrics';
import { inSpan } from '../../../../observability/trace-context';
import {
  PermanentError,
  ProviderBlockedError,
  RateLimitedError,
  TransientError,
} from '../../../../shared/domain-error';
import { RetryPolicy } from '../../../../shared/retry-policy';
import { UnitOfWork } from '../../../../shared/unit-of-work';
import type { Span } from '@opentelemetry/api';
import type { DeadLetterReason, OutboxEntry, OutboxHandler } from '../../domain/outbox-entry';
import { OutboxRepository } from '../persistence/outbox.repository';
import type { OutboxJobData } from '../../outbox.topics';

const MAX_ERROR_LENGTH = 1000;
const STORAGE_RETRY_MS = 2000;
/** Spreads the jobs that wait for the same bucket, so they do not all come back in the same millisecond. */
const RATE_LIMIT_JITTER_MS = 50;

/**
 * Runs one outbox job: skips rows already finished (idempotency), runs the handler in the transaction that
 * marks the row done, and on failure either schedules the next try by the retry policy or writes a dead letter.
 * Tries are counted in the database, so the schedule survives a Redis loss.
 */
@Injectable()
export class OutboxJobRunner {
  private readonly logger = new Logger(OutboxJobRunner.name);
  private readonly handledTopics = new Set<string>();

  constructor(
    private readonly repository: OutboxRepository,
    private readonly uow: UnitOfWork,
    private readonly retryPolicy: RetryPolicy,
    private readonly env: EnvironmentVariables,
  ) {}

  get topicsWithHandler(): ReadonlySet<string> {
    return this.handledTopics;
  }

  /**
   * Starts a processor's worker unless this process only serves HTTP. `concurrency`: jobs at once for this topic,
   * when it differs from QUEUE_CONCURRENCY; `ratePerSec`: jobs started a second, queue-wide (BullMQ's limiter, kept
   * in Redis, so jobs over it stay waiting instead of being fetched and put back).
   */
  startWorker(worker: Worker, concurrency = this.env.QUEUE_CONCURRENCY, ratePerSec?: number): void {
    this.handledTopics.add(worker.name);
    worker.on('error', (error) => this.logger.warn(`worker ${worker.name}: ${error.message}`));
    if (this.env.APP_ROLE === 'api') return;
    // @nestjs/bullmq reads worker options from a decorator at import time; these come from the environment.
    worker.opts.lockDuration = this.env.QUEUE_LOCK_DURATION_MS;
    worker.opts.lockRenewTime = this.env.QUEUE_LOCK_DURATION_MS / 2;
    worker.opts.stalledInterval = this.env.QUEUE_LOCK_DURATION_MS;
    // The lock manager copied the decorator's durations when the worker was built: renewals would extend the lock
    // by the old duration, at the old pace. Built again (before run() starts it), it renews by ours.
    (worker as unknown as { createLockManager(): void }).createLockManager();
    worker.concurrency = concurrency;
    if (ratePerSec) worker.opts.limiter = { max: ratePerSec, duration: 1000 };
    worker.run().catch((error: Error) => this.logger.error(`worker ${worker.name} stopped: ${error.message}`));
  }

  /**
   * While the database is unreachable the row cannot even be read, so the job goes back to Redis for
   * STORAGE_RETRY_MS instead of failing: a failed job would wait for the relay's lease (30 s) to be re-published,
   * and a worker would fail its whole queue in the second a Postgres restart takes.
   */
  async run<P>(job: Job<OutboxJobData>, token: string | undefined, handler: OutboxHandler<P>): Promise<void> {
    try {
      await this.runEntry(job, token, handler);
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      this.logger.warn(`outbox ${job.data.outboxId}: database unavailable, trying again in ${STORAGE_RETRY_MS} ms`);
      await job.moveToDelayed(Date.now() + STORAGE_RETRY_MS, token);
      throw new DelayedError();
    }
  }

  /**
   * A try costs one statement besides the handler's own: `claim` marks the row done in the handler's
   * transaction, and a failure is counted after the rollback. A process that dies mid-try counts nothing: the
   * job comes back when its lock lapses, or the relay re-publishes it.
   */
  private async runEntry<P>(job: Job<OutboxJobData>, token: string | undefined, handler: OutboxHandler<P>) {
    const startedAt = new Date();
    const id = job.data.outboxId;
    let tried: { entry: TriedEntry<P>; attempt?: number } | null = null;
    const handleClaimed = (prepared: unknown, span?: Span) =>
      this.uow.run(async () => {
        const claimed = (await this.repository.claim(id, startedAt)) as OutboxEntry<P> | null;
        if (!claimed) return; // done or dead already: a redelivered job has nothing left to do
        tried = { entry: claimed, attempt: claimed.attempts };
        const work = (active: Span) => {
          active.setAttribute('outbox.attempt', claimed.attempts);
          return handler.handle(claimed.payload, { outboxId: id, attempt: claimed.attempts, prepared });
        };
        // With `prepare` the span is already open around the whole try.
        await (span ? work(span) : this.traced(claimed, work));
      });

    try {
      if (!handler.prepare) return await handleClaimed(undefined);
      // The job's copy of the payload spares a read; a job the relay published has none.
      const carried = carriedBy<P>(job);
      const read = carried ? null : ((await this.repository.findPending(id)) as OutboxEntry<P> | null);
      const entry = carried ?? read;
      if (!entry) return;
      tried = { entry };
      const context = { outboxId: id, attempt: read ? read.attempts + 1 : undefined };
      await this.traced(entry, async (span) => handleClaimed(await handler.prepare!(entry.payload, context), span));
    } catch (error) {
      if (!tried) throw error;
      const { entry, attempt } = tried as { entry: TriedEntry<P>; attempt?: number };
      // A try that failed before its claim: the row says how many tries came before.
      const attempts = attempt ?? ((await this.repository.findPending(id))?.attempts ?? -1) + 1;
      if (attempts === 0) return; // finished meanwhile by another worker
      await this.onFailure(job, token, { ...entry, attempts }, startedAt, handler, error as Error);
    }
  }

  private traced<T>(entry: TriedEntry<unknown>, work: (span: Span) => Promise<T>): Promise<T> {
    const attributes = { 'outbox.id': entry.id, 'outbox.topic': entry.topic };
    return inSpan(entry.topic, attributes, work, entry.traceContext);
  }

  /** `entry.attempts` is the number of the try that failed. */
  private async onFailure<P>(
    job: Job<OutboxJobData>,
    token: string | undefined,
    entry: TriedEntry<P> & { attempts: number },
    startedAt: Date,
    handler: OutboxHandler<P>,
    error: Error,
  ): Promise<void> {
    if (error instanceof RateLimitedError) return this.waitForToken(job, token, entry, error);
    const message = `${error.name}: ${error.message}`.slice(0, MAX_ERROR_LENGTH);
    const permanent = error instanceof PermanentError || error instanceof UnrecoverableError;
    const retryAfterMs = error instanceof TransientError ? error.retryAfterMs : undefined;
    const delay = permanent ? null : this.retryPolicy.delayAfter(entry.attempts, retryAfterMs);

    if (delay === null) {
      const reason: DeadLetterReason =
        error instanceof ProviderBlockedError ? 'blocked' : permanent ? 'permanent' : 'exhausted';
      await this.uow.run(async () => {
        await this.repository.recordFailure(entry.id, startedAt, message, null);
        await this.repository.insertDeadLetter(entry.id, reason, message);
        await handler.onDeadLetter?.(entry.payload, { reason, lastError: message, attempts: entry.attempts });
      });
      this.logger.warn(`outbox ${entry.id} (${entry.topic}) dead-lettered after ${entry.attempts} tries: ${message}`);
      return;
    }

    const nextAttemptAt = new Date(Date.now() + delay);
    await this.repository.recordFailure(entry.id, startedAt, message, nextAttemptAt);
    deliveryRetries.inc({ topic: entry.topic });
    this.logger.log(
      `outbox ${entry.id} (${entry.topic}) try ${entry.attempts} failed, next in ${delay} ms: ${message}`,
    );
    await job.moveToDelayed(nextAttemptAt.getTime(), token);
    throw new DelayedError();
  }

  /**
   * Our rate limit for the provider is spent: the job leaves its slot (delayed, in Redis) until the next token, so
   * other work — other chats, other channels — goes on meanwhile. The try does not count.
   */
  private async waitForToken(
    job: Job<OutboxJobData>,
    token: string | undefined,
    entry: TriedEntry<unknown>,
    error: RateLimitedError,
  ): Promise<never> {
    const at = Date.now() + (error.retryAfterMs ?? 0) + Math.floor(Math.random() * RATE_LIMIT_JITTER_MS);
    await this.repository.postpone(entry.id, new Date(at));
    await job.moveToDelayed(at, token);
    throw new DelayedError();
  }
}

/** What a try knows of its row before the claim: enough to trace it and to record its failure. */
type TriedEntry<P> = Pick<OutboxEntry<P>, 'id' | 'topic' | 'payload' | 'traceContext'>;

function carriedBy<P>(job: Job<OutboxJobData>): TriedEntry<P> | null {
  if (job.data.payload === undefined) return null;
  const { outboxId, payload, traceContext } = job.data;
  return { id: outboxId, topic: job.name, payload: payload as P, traceContext: traceContext ?? {} };
}
