import { EnvironmentVariables } from '../../../../config/env.validation';
import type { ChannelPlugin } from '../../channel-plugin';
import { GRAPH_TIMEOUT_MS } from '../meta/graph.client';
import { InstagramWebhookController } from './instagram-webhook.controller';
import { InstagramEventParser } from './instagram.events';
import { InstagramGraph, InstagramMessenger } from './instagram.messenger';

/**
 * The Instagram API with Instagram Login (no Facebook Page needed): an Instagram User token, graph.instagram.com.
 * INSTAGRAM_GRAPH_BASE points elsewhere (a fake, a proxy, or graph.facebook.com with a Page token).
 */
export const INSTAGRAM_GRAPH_DEFAULT_BASE = 'https://graph.instagram.com/v24.0';

/** Instagram Direct: on when the access token, the app secret and the verify token are set. */
export const instagramChannel: ChannelPlugin = {
  channel: 'instagram',
  enabled: (env) => !!env.INSTAGRAM_ACCESS_TOKEN && !!env.INSTAGRAM_APP_SECRET && !!env.INSTAGRAM_VERIFY_TOKEN,
  controllers: [InstagramWebhookController],
  providers: [
    {
      provide: InstagramGraph,
      inject: [EnvironmentVariables],
      useFactory: (env: EnvironmentVariables) =>
        new InstagramGraph({
          baseUrl: env.INSTAGRAM_GRAPH_BASE ?? INSTAGRAM_GRAPH_DEFAULT_BASE,
          accessToken: env.INSTAGRAM_ACCESS_TOKEN!,
          timeoutMs: GRAPH_TIMEOUT_MS,
          label: 'Instagram Send API',
        }),
    },
  ],
  messenger: InstagramMessenger,
  parser: InstagramEventParser,
};
