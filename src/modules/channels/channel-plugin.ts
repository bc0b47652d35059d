import type { Provider, Type } from '@nestjs/common';
import type { EnvironmentVariables } from '../../config/env.validation';
import type { Channel } from '../leads';
import type { ChannelEventParser } from './ports/channel-event.port';
import type { Messenger } from './ports/messenger.port';

/**
 * One messenger integration as the channels module mounts it: only when `enabled` (its credentials are set),
 * so a channel without credentials has no webhook route and no messenger.
 */
export interface ChannelPlugin {
  channel: Channel;
  enabled(env: EnvironmentVariables): boolean;
  /** The webhook controller(s). */
  controllers: Type<unknown>[];
  /** Clients and helpers the messenger and the controller need. */
  providers: Provider[];
  messenger: Type<Messenger>;
  /** Reads the raw events the webhook stored; absent for channels that post messages directly (webchat). */
  parser?: Type<ChannelEventParser>;
}
