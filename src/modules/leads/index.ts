export { LeadsModule } from './leads.module';
export { LeadsFacade } from './application/leads.facade';
export { CHANNELS, type Channel } from './domain/channel';
export type { LeadAssessment, LeadForCrm, LeadView } from './domain/lead';
export type { InboundMessage, StoredMessage } from './domain/message';
