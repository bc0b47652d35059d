import { EnvironmentVariables } from '../../../../config/env.validation';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';
import type { ChannelPlugin } from '../../channel-plugin';
import { VkClient } from './vk.client';
import { VkEventParser } from './vk.events';
import { VkMessenger } from './vk.messenger';
import { VkWebhookController } from './vk.webhook.controller';

/**
 * VK community messages (Callback API in, messages.send out): on when VK_ACCESS_TOKEN and VK_GROUP_ID are set
 * (the env schema then requires VK_SECRET and VK_CONFIRMATION_CODE too).
 */
export const vkChannel: ChannelPlugin = {
  channel: 'vk',
  enabled: (env: EnvironmentVariables) => Boolean(env.VK_ACCESS_TOKEN && env.VK_GROUP_ID),
  controllers: [VkWebhookController],
  providers: [
    {
      provide: VkClient,
      inject: [EnvironmentVariables, RedisRateLimiter],
      useFactory: (env: EnvironmentVariables, limiter: RedisRateLimiter) => VkClient.fromEnv(env, limiter),
    },
  ],
  messenger: VkMessenger,
  parser: VkEventParser,
};
