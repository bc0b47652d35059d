import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { OUTBOX_TOPICS, type OutboxJobData, outboxJobId } from '../../outbox.topics';
import { JobQueue, type Publishable } from '../../ports/job-queue.port';

const PUBLISH_TIMEOUT_MS = 3000;

/** Puts outbox rows on their BullMQ queue, job id `ob-<id>`, so a row is never queued twice. */
@Injectable()
export class OutboxPublisher implements JobQueue, OnModuleInit {
  private readonly logger = new Logger(OutboxPublisher.name);
  private readonly buffer: Publishable[] = [];

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    // Without a listener a Redis outage would surface as an unhandled 'error' event and end the process.
    for (const topic of OUTBOX_TOPICS) {
      this.queue(topic).on('error', (error) => this.logger.warn(`queue ${topic}: ${error.message}`));
    }
  }

  queue(topic: string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(topic), { strict: false });
  }

  /**
   * Best effort: a row that fails to publish stays pending and the relay publishes it later. Success is not
   * written back: the relay tells a lost job from a live one by asking Redis.
   */
  async publish(entries: Publishable[]): Promise<void> {
    const byTopic = new Map<string, Publishable[]>();
    for (const entry of entries) byTopic.set(entry.topic, [...(byTopic.get(entry.topic) ?? []), entry]);
    for (const [topic, batch] of byTopic) {
      try {
        await this.enqueue(topic, batch);
      } catch (error) {
        const ids = batch.map((entry) => entry.id).join(', ');
        this.logger.warn(`outbox ${ids} (${topic}) not published yet: ${(error as Error).message}`);
      }
    }
  }

  /**
   * Publishes on the next turn of the event loop, together with whatever else was committed meanwhile: under a
   * burst one Redis call carries many jobs instead of one each.
   */
  publishSoon(entry: Publishable): void {
    this.buffer.push(entry);
    if (this.buffer.length > 1) return;
    setImmediate(() => {
      const batch = this.buffer.splice(0);
      void this.publish(batch);
    });
  }

  private async enqueue(topic: string, batch: Publishable[]): Promise<void> {
    const jobs = batch.map(({ id, notBefore, carried }) => ({
      name: topic,
      data: { outboxId: id, ...carried } satisfies OutboxJobData,
      opts: { jobId: outboxJobId(id), delay: notBefore ? Math.max(0, notBefore.getTime() - Date.now()) : 0 },
    }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer in time')), PUBLISH_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.queue(topic).addBulk(jobs), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
