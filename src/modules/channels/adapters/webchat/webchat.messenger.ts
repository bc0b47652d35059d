import { Injectable } from '@nestjs/common';
import { Messenger, type OutgoingMessage, type SentMessage } from '../../ports/messenger.port';

/**
 * The website widget polls the conversation, so sending is making the reply visible to it: the message is
 * marked sent by the caller and the next poll returns it.
 */
@Injectable()
export class WebchatMessenger extends Messenger {
  readonly channel = 'webchat' as const;

  send(message: OutgoingMessage): Promise<SentMessage> {
    return Promise.resolve({ providerMessageId: `webchat-${message.messageId}` });
  }
}
