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

@Module({
  imports: [BullModule.registerQueue(...OUTBOX_TOPICS.map((name) => ({ name })))],
  providers: [
    OutboxRepository,
    DeadLetterRepository,
    OutboxPublisher,
    OutboxWriter,
    OutboxJobRunner,
    OutboxRelay,
    DeadLetterDesk,
  ],
  exports: [BullModule, OutboxWriter, OutboxJobRunner, OutboxRelay, DeadLetterDesk],
})
export class OutboxModule {}
