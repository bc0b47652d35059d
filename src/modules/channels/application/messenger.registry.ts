import { PermanentError } from '../../../shared/domain-error';
import type { Channel } from '../../leads';
import type { ChannelEventParser } from '../ports/channel-event.port';
import type { Messenger } from '../ports/messenger.port';

/** The messenger of each channel that is switched on. */
export class MessengerRegistry {
  private readonly byChannel: Map<Channel, Messenger>;

  constructor(messengers: Messenger[]) {
    this.byChannel = new Map(messengers.map((messenger) => [messenger.channel, messenger]));
  }

  has(channel: Channel): boolean {
    return this.byChannel.has(channel);
  }

  for(channel: Channel): Messenger {
    const messenger = this.byChannel.get(channel);
    if (!messenger) throw new PermanentError(`channel ${channel} is not configured`);
    return messenger;
  }
}

/** The event parser of each channel that is switched on. */
export class ChannelEventParsers {
  private readonly byChannel: Map<string, ChannelEventParser>;

  constructor(parsers: ChannelEventParser[]) {
    this.byChannel = new Map(parsers.map((parser) => [parser.channel, parser]));
  }

  for(channel: string): ChannelEventParser {
    const parser = this.byChannel.get(channel);
    if (!parser) throw new PermanentError(`channel ${channel} is not configured: its stored events cannot be read`);
    return parser;
  }
}
