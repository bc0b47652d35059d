export { LeadsModule } from './leads.module';
export { LeadsFacade } from './application/leads.facade';
export { EraseContactUseCase, type ErasureReport } from './application/erase-contact.use-case';
export { CHANNELS, type Channel } from './domain/channel';
export type { FollowUp } from './domain/follow-up';
export type { LeadAssessment, LeadForCrm, LeadStatus, LeadView } from './domain/lead';
export {
  ATTACHMENT_KINDS,
  DELIVERED_STATUSES,
  type AttachmentKind,
  type ClientMessage,
  type InboundMessage,
  type MessageRecipient,
  type StoredMessage,
} from './domain/message';
