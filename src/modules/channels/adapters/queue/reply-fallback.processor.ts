import { Processor } from '@nestjs/bullmq';
import { OutboxProcessor, type DeadLetterInfo, type OutboxPayloads } from '../../../outbox';
import { SendReplyFallbackUseCase } from '../../application/send-reply-fallback.use-case';

type Payload = OutboxPayloads['reply.fallback'];

@Processor('reply.fallback', { autorun: false })
export class ReplyFallbackProcessor extends OutboxProcessor<Payload> {
  constructor(private readonly fallback: SendReplyFallbackUseCase) {
    super();
  }

  handle(payload: Payload): Promise<void> {
    return this.fallback.execute(payload.messageId);
  }

  override onDeadLetter(payload: Payload, failure: DeadLetterInfo): Promise<void> {
    return this.fallback.giveUp(payload.messageId, failure);
  }
}
