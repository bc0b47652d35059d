import { WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { DeadLetterInfo, OutboxContext, PrepareContext, OutboxHandler } from '../../domain/outbox-entry';
import type { OutboxJobData } from '../../outbox.topics';
import { OutboxJobRunner } from './outbox-job.runner';

/**
 * Base of every topic's processor: declare it with `@Processor(topic, { autorun: false })` and implement
 * `handle`. Retries, dead letters, idempotency and tracing are the runner's job.
 */
export abstract class OutboxProcessor<P> extends WorkerHost implements OutboxHandler<P>, OnApplicationBootstrap {
  @Inject(OutboxJobRunner) private readonly runner!: OutboxJobRunner;

  /** Jobs of this topic at once; QUEUE_CONCURRENCY when unset. */
  protected readonly concurrency?: number;
  /** Jobs of this topic started per second across all workers, when the work behind it has a rate limit. */
  protected ratePerSec?: number;

  prepare?(payload: P, context: PrepareContext): Promise<unknown>;
  abstract handle(payload: P, context: OutboxContext): Promise<void>;
  onDeadLetter?(payload: P, failure: DeadLetterInfo): Promise<void>;

  process(job: Job<OutboxJobData>, token?: string): Promise<void> {
    return this.runner.run(job, token, this);
  }

  onApplicationBootstrap(): void {
    this.runner.startWorker(this.worker, this.concurrency, this.ratePerSec);
  }
}
