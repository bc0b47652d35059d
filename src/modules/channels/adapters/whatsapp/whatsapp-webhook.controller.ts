import { Controller, Get, Header, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EnvironmentVariables } from '../../../../config/env.validation';
import type { RawBodyRequest } from '../../../../http/body-parsing';
import { InboundEventIntake } from '../../application/inbound-event.intake';
import { MetaWebhook } from '../meta/meta-webhook';

/** `GET|POST /webhooks/whatsapp`: Meta's verification handshake and signed WhatsApp Cloud API events. */
@ApiExcludeController()
@Controller('webhooks/whatsapp')
export class WhatsAppWebhookController {
  private readonly webhook: MetaWebhook;

  constructor(intake: InboundEventIntake, env: EnvironmentVariables) {
    this.webhook = new MetaWebhook(intake, {
      channel: 'whatsapp',
      object: 'whatsapp_business_account',
      appSecret: env.WHATSAPP_APP_SECRET!,
      verifyToken: env.WHATSAPP_VERIFY_TOKEN!,
    });
  }

  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  handshake(@Req() request: RawBodyRequest): string {
    return this.webhook.handshake(request.query);
  }

  /** 200 once the event is stored (or recognised as a retry); processing happens after. */
  @Post()
  @HttpCode(HttpStatus.OK)
  async receive(@Req() request: RawBodyRequest): Promise<void> {
    await this.webhook.receive(request);
  }
}
