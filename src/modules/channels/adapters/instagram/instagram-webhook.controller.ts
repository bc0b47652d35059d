import { Controller, Get, Header, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EnvironmentVariables } from '../../../../config/env.validation';
import type { RawBodyRequest } from '../../../../http/body-parsing';
import { InboundEventIntake } from '../../application/inbound-event.intake';
import { MetaWebhook } from '../meta/meta-webhook';

/** `GET|POST /webhooks/instagram`: Meta's verification handshake and signed Instagram messaging events. */
@ApiExcludeController()
@Controller('webhooks/instagram')
export class InstagramWebhookController {
  private readonly webhook: MetaWebhook;

  constructor(intake: InboundEventIntake, env: EnvironmentVariables) {
    this.webhook = new MetaWebhook(intake, {
      channel: 'instagram',
      object: 'instagram',
      appSecret: env.INSTAGRAM_APP_SECRET!,
      verifyToken: env.INSTAGRAM_VERIFY_TOKEN!,
    });
  }

  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  handshake(@Req() request: RawBodyRequest): string {
    return this.webhook.handshake(request.query);
  }

  /** 200 once the event is stored (or recognised as a retry): Meta gives up on a call after 20 s. */
  @Post()
  @HttpCode(HttpStatus.OK)
  async receive(@Req() request: RawBodyRequest): Promise<void> {
    await this.webhook.receive(request);
  }
}
