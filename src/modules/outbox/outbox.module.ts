import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DeadLetterRepository } from './adapters/persistence/dead-letter.repository';
import { OutboxRepository } from './adapters/persistence/outbox.repository';
import { OutboxJobRunner } from './adapters/queue/outbox-job.runner';
import { OutboxPublisher } from './adapters/queue/outbox.publisher';
import { OutboxRelay } from './adapters/queue/outbox.relay';
import { DeadLetterDesk } from './application/dead-letter.desk';
import { OutboxWriter } from './application/outbox.writer';
import { OUTBOX_TOPICS } from './outbox.topics';
import { DeadLetterStore } from './ports/dead-letter-store.port';
import { JobQueue } from './ports/job-queue.port';
import { OutboxStore } from './ports/outbox-store.port';

@Module({
  imports: [BullModule.registerQueue(...OUTBOX_TOPICS.map((name) => ({ name })))],
  providers: [
    OutboxRepository,
    DeadLetterRepository,
    OutboxPublisher,
    { provide: OutboxStore, useExisting: OutboxRepository },
    { provide: DeadLetterStore, useExisting: DeadLetterRepository },
    { provide: JobQueue, useExisting: OutboxPublisher },
    OutboxWriter,
    OutboxJobRunner,
    OutboxRelay,
    DeadLetterDesk,
  ],
  exports: [BullModule, OutboxWriter, OutboxJobRunner, OutboxRelay, DeadLetterDesk],
})
export class OutboxModule {}
