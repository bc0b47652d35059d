import { EnvironmentVariables } from '../../../../config/env.validation';
import type { ChannelPlugin } from '../../channel-plugin';
import { GRAPH_TIMEOUT_MS } from '../meta/graph.client';
import { WhatsAppWebhookController } from './whatsapp-webhook.controller';
import { WhatsAppEventParser } from './whatsapp.events';
import { WhatsAppGraph, WhatsAppMessenger } from './whatsapp.messenger';

/** Meta's Graph API, versioned; WHATSAPP_GRAPH_BASE points elsewhere (a fake, a proxy). */
export const WHATSAPP_GRAPH_DEFAULT_BASE = 'https://graph.facebook.com/v24.0';

/** WhatsApp Cloud API: on when the token, the phone number id, the app secret and the verify token are set. */
export const whatsappChannel: ChannelPlugin = {
  channel: 'whatsapp',
  enabled: (env) =>
    !!env.WHATSAPP_TOKEN && !!env.WHATSAPP_PHONE_NUMBER_ID && !!env.WHATSAPP_APP_SECRET && !!env.WHATSAPP_VERIFY_TOKEN,
  controllers: [WhatsAppWebhookController],
  providers: [
    {
      provide: WhatsAppGraph,
      inject: [EnvironmentVariables],
      useFactory: (env: EnvironmentVariables) =>
        new WhatsAppGraph({
          baseUrl: env.WHATSAPP_GRAPH_BASE ?? WHATSAPP_GRAPH_DEFAULT_BASE,
          accessToken: env.WHATSAPP_TOKEN!,
          timeoutMs: GRAPH_TIMEOUT_MS,
          label: 'WhatsApp Cloud API',
        }),
    },
  ],
  messenger: WhatsAppMessenger,
  parser: WhatsAppEventParser,
};
