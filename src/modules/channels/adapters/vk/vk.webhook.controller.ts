import { Body, Controller, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { RequestValidationError } from '../../../../http/request-validation.error';
import { InboundEventIntake } from '../../application/inbound-event.intake';
import { secretsMatch } from '../shared/webhook-auth';
import { isVkCallback, vkEventKey, type VkCallback } from './vk.events';

/** VK takes anything but exactly "ok" with HTTP 200 as a failure, and pauses a server after several. */
const ACK = 'ok';

/**
 * Where VK's Callback API delivers community events. The event is stored as it came and processed later, so VK
 * gets its "ok" at once, and its redeliveries of the same event_id (after a slow answer, with X-Retry-Counter)
 * change nothing.
 */
@ApiTags('webhooks')
@Controller('webhooks/vk')
export class VkWebhookController {
  constructor(
    private readonly intake: InboundEventIntake,
    private readonly env: EnvironmentVariables,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: '"ok" once stored (or already stored); the confirmation string for `confirmation`' })
  async receive(@Body() body: unknown): Promise<string> {
    if (!isVkCallback(body)) {
      throw new RequestValidationError([{ field: 'type', message: 'type must be a Callback API event type' }]);
    }
    if (String(body.group_id) !== this.env.VK_GROUP_ID) {
      throw this.intake.reject('vk', 403, 'wrong-group', 'The event is for another community.');
    }
    this.authenticate(body);
    if (body.type === 'confirmation') return this.env.VK_CONFIRMATION_CODE ?? '';
    await this.intake.accept('vk', vkEventKey(body), body);
    return ACK;
  }

  /**
   * The secret key travels in the body. VK's documented confirmation request carries only type and group_id,
   * so a confirmation without a secret is answered (the string proves nothing to anyone but VK); a wrong secret
   * never is.
   */
  private authenticate(event: VkCallback): void {
    const expected = this.env.VK_SECRET ?? '';
    if (event.secret === undefined || event.secret === null || event.secret === '') {
      if (event.type === 'confirmation') return;
      throw this.intake.reject('vk', 401, 'missing-secret', 'The secret field is missing.');
    }
    if (typeof event.secret !== 'string' || !expected || !secretsMatch(event.secret, expected)) {
      throw this.intake.reject('vk', 403, 'bad-secret', 'The secret does not match.');
    }
  }
}
