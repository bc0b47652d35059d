import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';
import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { OutsideServiceWindowError } from '../../domain/channel-errors';
import { Messenger, type OutgoingMessage, type SentMessage } from '../../ports/messenger.port';
import { GraphApiError } from '../meta/graph-error';
import { GraphClient } from '../meta/graph.client';
import { insideServiceWindow } from '../meta/service-window';
import { whatsappSendError } from './whatsapp.errors';
import { addressOf, freeFormMessage, templateMessage, type WhatsAppAddress } from './whatsapp.payloads';

/** The Graph client of the WhatsApp Cloud API (its own DI token: Instagram has another base and token). */
export class WhatsAppGraph extends GraphClient {}

interface CloudApiAnswer {
  messages?: Array<{ id?: unknown }>;
}

/**
 * Sends replies through the WhatsApp Cloud API. Inside the 24-hour customer-service window a free-form message
 * (with reply buttons or a list for quick replies); outside it the approved template when one is configured,
 * otherwise OutsideServiceWindowError so the core falls back to SMS. The wamid is returned to match statuses.
 */
@Injectable()
export class WhatsAppMessenger extends Messenger {
  readonly channel = 'whatsapp' as const;
  override readonly sendRatePerSec: number;

  constructor(
    private readonly env: EnvironmentVariables,
    private readonly limiter: RedisRateLimiter,
    private readonly graph: WhatsAppGraph,
  ) {
    super();
    this.sendRatePerSec = env.WHATSAPP_RATE_PER_SEC;
  }

  async send(message: OutgoingMessage): Promise<SentMessage> {
    const address = addressOf(message.threadId);
    if (!insideServiceWindow(message.recipient.lastInboundAt)) {
      return this.sendOutsideWindow(message, address, 'WhatsApp: more than 24 hours since the client wrote');
    }
    try {
      return { providerMessageId: await this.post(freeFormMessage(address, message.text, message.buttons)) };
    } catch (error) {
      // Meta's clock has the last word on the window.
      if (error instanceof OutsideServiceWindowError) return this.sendOutsideWindow(message, address, error.message);
      throw error;
    }
  }

  private async sendOutsideWindow(message: OutgoingMessage, address: WhatsAppAddress, why: string) {
    const name = this.env.WHATSAPP_TEMPLATE_NAME;
    if (!name) throw new OutsideServiceWindowError(`${why}; no WHATSAPP_TEMPLATE_NAME to send instead`);
    const template = { name, language: this.env.WHATSAPP_TEMPLATE_LANGUAGE };
    const id = await this.post(templateMessage(address, template, message.text, message.buttons));
    return { providerMessageId: id, via: 'template' as const };
  }

  /** One rate-limiter token per message for this business number, then the call; answers the wamid. */
  private async post(body: Record<string, unknown>): Promise<string> {
    const phoneNumberId = this.env.WHATSAPP_PHONE_NUMBER_ID!;
    const rate = this.env.WHATSAPP_RATE_PER_SEC;
    try {
      await this.limiter.acquire(`whatsapp:${phoneNumberId}`, rate, Math.max(1, Math.ceil(rate)));
    } catch {
      throw new TransientError('WhatsApp: rate limiter unavailable (Redis)');
    }
    let answer: CloudApiAnswer;
    try {
      answer = await this.graph.post<CloudApiAnswer>(`${phoneNumberId}/messages`, body);
    } catch (error) {
      throw error instanceof GraphApiError ? whatsappSendError(error.failure) : error;
    }
    const id = answer?.messages?.[0]?.id;
    if (typeof id !== 'string' || !id) {
      throw new PermanentError('WhatsApp Cloud API accepted the message without a wamid; outcome unknown');
    }
    return id;
  }
}
