import { Injectable } from '@nestjs/common';
import { PermanentError } from '../../../shared/domain-error';
import type { Channel } from '../../leads';
import { WebchatMessenger } from '../adapters/webchat/webchat.messenger';
import type { Messenger } from '../ports/messenger.port';

/** The messenger of each channel that is switched on. */
@Injectable()
export class MessengerRegistry {
  private readonly byChannel: Map<Channel, Messenger>;

  constructor(webchat: WebchatMessenger) {
    this.byChannel = new Map<Channel, Messenger>([[webchat.channel, webchat]]);
  }

  for(channel: Channel): Messenger {
    const messenger = this.byChannel.get(channel);
    if (!messenger) throw new PermanentError(`channel ${channel} is not configured`);
    return messenger;
  }
}
