import { Module } from '@nestjs/common';
import { EnvironmentVariables } from '../../config/env.validation';
import { LeadsModule } from '../leads';
import { NotificationsModule } from '../notifications';
import { OutboxModule } from '../outbox';
import { AmoCrmAdapter } from './adapters/amocrm/amocrm-crm.adapter';
import { Bitrix24CrmAdapter } from './adapters/bitrix24/bitrix24-crm.adapter';
import { LocalCrmAdapter } from './adapters/local/local-crm.adapter';
import { CrmSyncProcessor } from './adapters/queue/crm-sync.processor';
import { RedisRateLimiter } from '../../redis/redis-rate-limiter';
import { CrmRedrive } from './application/crm-redrive';
import { SyncLeadToCrmUseCase } from './application/sync-lead-to-crm.use-case';
import { CrmGateway } from './ports/crm-gateway.port';

@Module({
  imports: [LeadsModule, OutboxModule, NotificationsModule],
  providers: [
    RedisRateLimiter,
    LocalCrmAdapter,
    Bitrix24CrmAdapter,
    AmoCrmAdapter,
    {
      provide: CrmGateway,
      inject: [EnvironmentVariables, LocalCrmAdapter, Bitrix24CrmAdapter, AmoCrmAdapter],
      useFactory: (
        env: EnvironmentVariables,
        local: LocalCrmAdapter,
        bitrix24: Bitrix24CrmAdapter,
        amocrm: AmoCrmAdapter,
      ): CrmGateway => ({ local, bitrix24, amocrm })[env.CRM_PROVIDER],
    },
    SyncLeadToCrmUseCase,
    CrmSyncProcessor,
    CrmRedrive,
  ],
  exports: [CrmGateway],
})
export class CrmModule {}
