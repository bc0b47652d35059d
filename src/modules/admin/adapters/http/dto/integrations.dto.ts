import { ApiProperty } from '@nestjs/swagger';

export class IntegrationStatusDto {
  @ApiProperty({ example: 'telegram' })
  name!: string;

  @ApiProperty({ description: 'Its credentials are set, so the instance uses it' })
  configured!: boolean;

  @ApiProperty({ type: [String], description: 'Environment variables still to set to switch it on (names only)' })
  missing!: string[];

  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'What a quick live check (2 s at most) found; null when the integration is not checked live',
  })
  reachable!: boolean | null;

  @ApiProperty({ nullable: true, type: String, example: 'getMe: @volna_salon_bot', description: 'The check, in words' })
  detail!: string | null;
}

export class CrmIntegrationDto extends IntegrationStatusDto {
  @ApiProperty({ enum: ['local', 'bitrix24', 'amocrm'] })
  provider!: string;
}

export class LlmIntegrationDto extends IntegrationStatusDto {
  @ApiProperty({ enum: ['model', 'rules', 'llm', 'hybrid'], description: 'Who triages messages' })
  classifier!: 'model' | 'rules' | 'llm' | 'hybrid';

  @ApiProperty({ nullable: true, type: String, example: 'gpt-4o-mini' })
  model!: string | null;
}

export class SmsIntegrationDto extends IntegrationStatusDto {
  @ApiProperty({ nullable: true, enum: ['smsru', 'smsc'], type: String })
  provider!: 'smsru' | 'smsc' | null;
}

export class IntegrationsDto {
  @ApiProperty({ type: [IntegrationStatusDto], description: 'webchat, telegram, whatsapp, instagram, vk' })
  channels!: IntegrationStatusDto[];

  @ApiProperty({ type: CrmIntegrationDto })
  crm!: CrmIntegrationDto;

  @ApiProperty({ type: LlmIntegrationDto })
  llm!: LlmIntegrationDto;

  @ApiProperty({ type: SmsIntegrationDto })
  sms!: SmsIntegrationDto;

  @ApiProperty({ type: [IntegrationStatusDto], description: 'Where manager alerts go besides the log' })
  managerAlerts!: IntegrationStatusDto[];
}
