import { Processor } from '@nestjs/bullmq';
import { OutboxProcessor, type OutboxContext, type OutboxPayloads } from '../../../outbox';
import { SendReplyUseCase } from '../../application/send-reply.use-case';

@Processor('reply.send', { autorun: false })
export class ReplySendProcessor extends OutboxProcessor<OutboxPayloads['reply.send']> {
  constructor(private readonly sendReply: SendReplyUseCase) {
    super();
  }

  handle(payload: OutboxPayloads['reply.send'], context: OutboxContext): Promise<void> {
    return this.sendReply.execute(payload.messageId, context.outboxId);
  }
}
