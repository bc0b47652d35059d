import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { AdminApi } from '../../../../http/admin-api.decorator';
import { IntegrationsDto } from './dto/integrations.dto';
import { checkTelegram, configuredIntegrations } from './integration-status';

@AdminApi()
@Controller('api/admin/v1/integrations')
export class IntegrationsAdminController {
  constructor(private readonly env: EnvironmentVariables) {}

  /**
   * Which channels, CRM, LLM, SMS gateway and alert routes are configured, from the environment, and for Telegram
   * whether the bot answers right now (a getMe of 2 s at most). Names of unset variables only: no value, no secret.
   */
  @Get()
  @ApiOkResponse({ type: IntegrationsDto })
  async status(): Promise<IntegrationsDto> {
    const integrations = configuredIntegrations(this.env);
    const telegram = integrations.channels.find((channel) => channel.name === 'telegram')!;
    if (telegram.configured) Object.assign(telegram, await checkTelegram(this.env));
    return integrations;
  }
}
