import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { OutboxRepository } from '../persistence/outbox.repository';
import { OUTBOX_TOPICS, type OutboxJobData, outboxJobId } from '../../outbox.topics';

export interface Publishable {
  id: string;
  topic: string;
  /** When the job should run; a later retry keeps its schedule after a Redis loss. */
  notBefore?: Date;
}

const PUBLISH_TIMEOUT_MS = 3000;

/** Puts outbox rows on their BullMQ queue, job id `ob-<id>`, so a row is never queued twice. */
@Injectable()
export class OutboxPublisher implements OnModuleInit {
  private readonly logger = new Logger(OutboxPublisher.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly repository: OutboxRepository,
  ) {}

  onModuleInit(): void {
    // Without a listener a Redis outage would surface as an unhandled 'error' event and end the process.
    for (const topic of OUTBOX_TOPICS) {
      this.queue(topic).on('error', (error) => this.logger.warn(`queue ${topic}: ${error.message}`));
    }
  }

  queue(topic: string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(topic), { strict: false });
  }

  /** Best effort: a row that fails to publish stays pending and the relay publishes it later. */
  async publish(entries: Publishable[]): Promise<void> {
    const published: string[] = [];
    for (const entry of entries) {
      try {
        await this.enqueue(entry);
        published.push(entry.id);
      } catch (error) {
        this.logger.warn(`outbox ${entry.id} (${entry.topic}) not published yet: ${(error as Error).message}`);
      }
    }
    if (published.length > 0) await this.repository.markPublished(published);
  }

  private async enqueue({ id, topic, notBefore }: Publishable): Promise<void> {
    const delay = notBefore ? Math.max(0, notBefore.getTime() - Date.now()) : 0;
    const data: OutboxJobData = { outboxId: id };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer in time')), PUBLISH_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.queue(topic).add(topic, data, { jobId: outboxJobId(id), delay }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
