import { telegramChannel } from './adapters/telegram/telegram.channel';
import { instagramChannel } from './adapters/instagram/instagram.channel';
import { whatsappChannel } from './adapters/whatsapp/whatsapp.channel';
import { vkChannel } from './adapters/vk/vk.channel';
import type { ChannelPlugin } from './channel-plugin';

/** Every messenger integration; each is mounted only when its credentials are set. Webchat is always on. */
export const CHANNEL_PLUGINS: ChannelPlugin[] = [telegramChannel, whatsappChannel, instagramChannel, vkChannel];
