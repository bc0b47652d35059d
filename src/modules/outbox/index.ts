export { OutboxModule } from './outbox.module';
export { OutboxWriter } from './application/outbox.writer';
export { OutboxProcessor } from './adapters/queue/outbox.processor';
export { OutboxJobRunner } from './adapters/queue/outbox-job.runner';
export { OutboxRelay } from './adapters/queue/outbox.relay';
export {
  OUTBOX_TOPICS,
  REPLY_TOPICS,
  replyTopic,
  type OutboxPayloads,
  type OutboxTopic,
  type ReplyTopic,
} from './outbox.topics';
export type { OutboxContext, PrepareContext, DeadLetterInfo, DeadLetterReason } from './domain/outbox-entry';
export { DeadLetterDesk } from './application/dead-letter.desk';
export type { DeadLetter, DeadLetterFilter, DeadLetterState } from './domain/dead-letter';
