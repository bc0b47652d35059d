import { Module } from '@nestjs/common';
import { EnvironmentVariables } from '../../config/env.validation';
import { LeadsModule } from '../leads';
import { NotificationsModule } from '../notifications';
import { OutboxModule } from '../outbox';
import { LocalCrmAdapter } from './adapters/local/local-crm.adapter';
import { CrmSyncProcessor } from './adapters/queue/crm-sync.processor';
import { CrmRedrive } from './application/crm-redrive';
import { SyncLeadToCrmUseCase } from './application/sync-lead-to-crm.use-case';
import { CrmGateway } from './ports/crm-gateway.port';

@Module({
  imports: [LeadsModule, OutboxModule, NotificationsModule],
  providers: [
    LocalCrmAdapter,
    {
      provide: CrmGateway,
      inject: [EnvironmentVariables, LocalCrmAdapter],
      useFactory: (env: EnvironmentVariables, local: LocalCrmAdapter): CrmGateway => {
        const adapters: Partial<Record<EnvironmentVariables['CRM_PROVIDER'], CrmGateway>> = { local };
        const adapter = adapters[env.CRM_PROVIDER];
        if (!adapter) throw new Error(`CRM_PROVIDER=${env.CRM_PROVIDER} is not available in this version; use local`);
        return adapter;
      },
    },
    SyncLeadToCrmUseCase,
    CrmSyncProcessor,
    CrmRedrive,
  ],
  exports: [CrmGateway],
})
export class CrmModule {}
