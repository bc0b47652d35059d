import type { LeadView } from '../domain/lead';
import type { ConversationFilter, ConversationSummary, LeadDetail, LeadFilter } from '../domain/lead-detail';

/** The admin's reads of leads and conversations. */
export abstract class LeadQueries {
  /** Leads matching the filter, newest first. */
  abstract findLeads(filter: LeadFilter, limit: number, offset: number): Promise<{ items: LeadView[]; total: number }>;

  /**
   * The lead with its contact, the conversation oldest first (with each client message's triage), its CRM state and
   * the trace of its first message.
   */
  abstract leadDetail(leadId: string): Promise<LeadDetail | null>;

  /** Conversations with their client, the most recently active first. */
  abstract listConversations(
    filter: ConversationFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: ConversationSummary[]; total: number }>;
}
