import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { RequestValidationError } from '../../../../http/request-validation.error';
import { InboundEventIntake } from '../../application/inbound-event.intake';
import { secretsMatch } from '../shared/webhook-auth';

export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Where Telegram delivers updates (registered by `npm run telegram:webhook`). The update is stored as it came
 * and processed later, so Telegram gets its 200 at once and its retries of the same update_id change nothing.
 */
@ApiTags('webhooks')
@Controller('webhooks/telegram')
export class TelegramWebhookController {
  constructor(
    private readonly intake: InboundEventIntake,
    private readonly env: EnvironmentVariables,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiHeader({ name: 'X-Telegram-Bot-Api-Secret-Token', required: true, description: 'TELEGRAM_WEBHOOK_SECRET' })
  @ApiOkResponse({ description: 'Stored (or already stored): Telegram will not send it again' })
  async receive(
    @Headers(TELEGRAM_SECRET_HEADER) secret: string | undefined,
    @Body() update: unknown,
  ): Promise<Record<string, never>> {
    if (secret === undefined) {
      throw this.intake.reject('telegram', 401, 'missing-secret', 'X-Telegram-Bot-Api-Secret-Token is missing.');
    }
    const expected = this.env.TELEGRAM_WEBHOOK_SECRET;
    if (!expected || !secretsMatch(secret, expected)) {
      throw this.intake.reject('telegram', 403, 'bad-secret', 'X-Telegram-Bot-Api-Secret-Token does not match.');
    }
    const updateId = (update as { update_id?: unknown } | null)?.update_id;
    if (typeof updateId !== 'number' || !Number.isSafeInteger(updateId) || updateId < 0) {
      throw new RequestValidationError([{ field: 'update_id', message: 'update_id must be a non-negative integer' }]);
    }
    await this.intake.accept('telegram', String(updateId), update);
    return {};
  }
}
