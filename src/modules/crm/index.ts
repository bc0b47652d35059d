export { CrmModule } from './crm.module';
export { CrmGateway, type CrmLeadRef, type CrmSyncContext } from './ports/crm-gateway.port';
