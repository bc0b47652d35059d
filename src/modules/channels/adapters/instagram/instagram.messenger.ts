import { Injectable } from '@nestjs/common';
import { PermanentError } from '../../../../shared/domain-error';
import { OutsideServiceWindowError } from '../../domain/channel-errors';
import { Messenger, type OutgoingMessage, type SentMessage } from '../../ports/messenger.port';
import { GraphApiError } from '../meta/graph-error';
import { GraphClient } from '../meta/graph.client';
import { insideServiceWindow } from '../meta/service-window';
import { instagramSendError } from './instagram.errors';
import { instagramMessages } from './instagram.payloads';

/** The Graph client of the Instagram API (its own DI token: WhatsApp has another base and token). */
export class InstagramGraph extends GraphClient {}

interface SendApiAnswer {
  message_id?: unknown;
}

/**
 * Replies in Instagram Direct through the Send API, only within 24 hours of the client's last message (there is
 * no template path; outside it the core falls back to SMS). Instagram's own limits (hundreds of calls a second
 * per account) are far above what one business sends, so there is no client-side limiter here.
 */
@Injectable()
export class InstagramMessenger extends Messenger {
  readonly channel = 'instagram' as const;

  constructor(private readonly graph: InstagramGraph) {
    super();
  }

  async send(message: OutgoingMessage): Promise<SentMessage> {
    if (!insideServiceWindow(message.recipient.lastInboundAt)) {
      throw new OutsideServiceWindowError('Instagram: more than 24 hours since the client wrote');
    }
    let last = '';
    // A long reply is several messages; if a later part fails, a retry sends the earlier ones again.
    for (const body of instagramMessages(message.threadId, message.text, message.buttons)) last = await this.post(body);
    return { providerMessageId: last };
  }

  private async post(body: Record<string, unknown>): Promise<string> {
    let answer: SendApiAnswer;
    try {
      answer = await this.graph.post<SendApiAnswer>('me/messages', body);
    } catch (error) {
      throw error instanceof GraphApiError ? instagramSendError(error.failure) : error;
    }
    if (typeof answer?.message_id !== 'string' || !answer.message_id) {
      throw new PermanentError('Instagram Send API accepted the message without a message_id; outcome unknown');
    }
    return answer.message_id;
  }
}
