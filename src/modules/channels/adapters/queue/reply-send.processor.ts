import { Processor } from '@nestjs/bullmq';
import type { Type } from '@nestjs/common';
import type { Channel } from '../../../leads';
import { OutboxProcessor, replyTopic, type OutboxContext } from '../../../outbox';
import { SendReplyUseCase } from '../../application/send-reply.use-case';
import { MessengerRegistry } from '../../application/messenger.registry';

interface Payload {
  messageId: string;
}

/**
 * The processor of one channel's reply queue. The channel's send limit is the queue's rate limit, so replies over
 * it wait in Redis, taking neither a worker slot nor a try, while the other channels' replies go on.
 */
function replySendProcessor(channel: Channel): Type<OutboxProcessor<Payload>> {
  @Processor(replyTopic(channel), { autorun: false })
  class ReplySendProcessor extends OutboxProcessor<Payload> {
    constructor(
      private readonly sendReply: SendReplyUseCase,
      messengers: MessengerRegistry,
    ) {
      super();
      this.ratePerSec = messengers.has(channel) ? messengers.for(channel).sendRatePerSec : undefined;
    }

    handle(payload: Payload, context: OutboxContext): Promise<void> {
      return this.sendReply.execute(payload.messageId, context.outboxId);
    }
  }
  Object.defineProperty(ReplySendProcessor, 'name', { value: `ReplySendProcessor(${channel})` });
  return ReplySendProcessor;
}

export const replySendProcessors = (channels: readonly Channel[]) => channels.map(replySendProcessor);
