export { CrmModule } from './crm.module';
export { CrmGateway, type CrmLeadRef } from './ports/crm-gateway.port';
