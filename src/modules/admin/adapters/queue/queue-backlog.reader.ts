import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { OUTBOX_TOPICS } from '../../../outbox';
import type { QueueBacklog, QueueJobs } from '../../ports/queue-backlog.port';

/** Redis commands of BullMQ wait for Redis to come back; a scrape or a check must not. */
const READ_TIMEOUT_MS = 1000;

/** Job counts of every outbox queue, from Redis (the queues the OutboxModule registers, same prefix). */
@Injectable()
export class QueueBacklogReader implements QueueBacklog {
  constructor(private readonly moduleRef: ModuleRef) {}

  async read(): Promise<Record<string, QueueJobs>> {
    const entries = await Promise.all(
      OUTBOX_TOPICS.map(async (topic) => [topic, await this.count(this.queue(topic))] as const),
    );
    return Object.fromEntries(entries);
  }

  private queue(topic: string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(topic), { strict: false });
  }

  private async count(queue: Queue): Promise<QueueJobs> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
    });
    try {
      const counts = await Promise.race([
        queue.getJobCounts('waiting', 'paused', 'prioritized', 'active', 'delayed'),
        timeout,
      ]);
      const ready = (counts.waiting ?? 0) + (counts.paused ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0);
      return { ready, delayed: counts.delayed ?? 0 };
    } finally {
      clearTimeout(timer);
    }
  }
}
