import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { RawBodyRequest } from '../../../../http/body-parsing';
import type { Channel } from '../../../leads';
import { InboundEventIntake } from '../../application/inbound-event.intake';
import { hubSignatureMatches, secretsMatch } from '../shared/webhook-auth';

export interface MetaWebhookSettings {
  channel: Extract<Channel, 'whatsapp' | 'instagram'>;
  /** The `object` of the payloads this webhook takes: whatsapp_business_account, instagram. */
  object: string;
  appSecret: string;
  verifyToken: string;
}

/**
 * The two halves of a Meta webhook, shared by WhatsApp and Instagram: the GET handshake that proves we own the
 * callback URL, and the POST intake that trusts only bodies signed with the app secret.
 */
export class MetaWebhook {
  private readonly logger: Logger;

  constructor(
    private readonly intake: InboundEventIntake,
    private readonly settings: MetaWebhookSettings,
  ) {
    this.logger = new Logger(`MetaWebhook:${settings.channel}`);
  }

  /** `hub.mode=subscribe` with our verify token: the answer is `hub.challenge`, as is. */
  handshake(query: RawBodyRequest['query']): string {
    const mode = query['hub.mode'];
    const token = query['hub.verify_token'];
    const challenge = query['hub.challenge'];
    const tokenMatches = typeof token === 'string' && secretsMatch(token, this.settings.verifyToken);
    if (mode !== 'subscribe' || !tokenMatches || typeof challenge !== 'string') {
      throw this.intake.reject(
        this.settings.channel,
        403,
        'bad-verify-token',
        'The verification request does not carry our verify token.',
      );
    }
    return challenge;
  }

  /**
   * Stores a signed event once: the key is the SHA-256 of the exact body, because a Meta retry re-sends the same
   * bytes (messages repeated across different batches are deduplicated later by their own ids).
   */
  async receive(request: RawBodyRequest): Promise<void> {
    const { channel, appSecret } = this.settings;
    const signature = request.headers['x-hub-signature-256'];
    if (typeof signature !== 'string' || !signature) {
      throw this.intake.reject(channel, 401, 'missing-signature', 'X-Hub-Signature-256 is missing.');
    }
    if (!hubSignatureMatches(request.rawBody, signature, appSecret)) {
      throw this.intake.reject(channel, 403, 'bad-signature', 'X-Hub-Signature-256 does not match the body.');
    }
    const body: unknown = request.body;
    const object = body && typeof body === 'object' ? (body as { object?: unknown }).object : undefined;
    if (object !== this.settings.object) {
      this.logger.warn(`ignored a signed event for object ${JSON.stringify(object ?? null).slice(0, 60)}`);
      return;
    }
    const eventKey = createHash('sha256').update(request.rawBody!).digest('hex');
    await this.intake.accept(channel, eventKey, body);
  }
}
