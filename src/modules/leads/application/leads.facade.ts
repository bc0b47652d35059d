import { Injectable } from '@nestjs/common';
import { normalizePhone } from '../../../shared/phone';
import {
  TypeOrmLeadsRepository,
  type AcceptedRow,
  type FollowUp,
} from '../adapters/persistence/typeorm-leads.repository';
import type { Channel } from '../domain/channel';
import { statusFor, type LeadAssessment, type LeadForCrm, type LeadStatus, type LeadView } from '../domain/lead';
import type { ConversationFilter, ConversationSummary, LeadDetail, LeadFilter } from '../domain/lead-detail';
import type { ClientMessage, InboundMessage, MessageRecipient, StoredMessage } from '../domain/message';

/** What other modules may ask of contacts, conversations, messages and leads. Call inside a unit of work. */
@Injectable()
export class LeadsFacade {
  constructor(private readonly repository: TypeOrmLeadsRepository) {}

  /**
   * Stores an inbound message once, together with the outbox row of what must follow it, in one atomic step.
   * A provider's retry of the same message returns the first record and no follow-up.
   */
  acceptInbound(message: InboundMessage, followUp: FollowUp): Promise<AcceptedRow> {
    const phone = message.phone ? normalizePhone(message.phone) : null;
    return this.repository.acceptInbound(message, phone, followUp);
  }

  findMessage(messageId: string): Promise<StoredMessage | null> {
    return this.repository.findMessage(messageId);
  }

  /** A client's (inbound) message with the contact's name and phone; null when there is no such message. */
  findClientMessage(messageId: string): Promise<ClientMessage | null> {
    return this.repository.findClientMessage(messageId);
  }

  /** The last `limit` messages the client saw before this one (theirs, and replies sent), oldest first. */
  messagesBefore(message: StoredMessage, limit: number): Promise<StoredMessage[]> {
    return this.repository.messagesBefore(message, limit);
  }

  /** What the client sees of the conversation since a cursor (unset: all of it), and the next cursor. */
  visibleMessagesSince(
    channel: Channel,
    threadId: string,
    since?: string,
  ): Promise<{ messages: StoredMessage[]; cursor: string | null } | null> {
    return this.repository.visibleMessagesSince(channel, threadId, since);
  }

  /**
   * Records what triage concluded and updates the conversation's lead, with `sync` (the outbox row that brings
   * the CRM up to date) in the same statement.
   */
  assess(
    message: StoredMessage,
    triage: object,
    assessment: LeadAssessment,
    crmProvider: string,
    sync: FollowUp,
  ): Promise<{ leadId: string; followUpId: string }> {
    return this.repository.upsertLead(message, triage, assessment, statusFor(assessment), crmProvider, sync);
  }

  async saveTriage(messageId: string, triage: object): Promise<void> {
    await this.repository.saveTriage(messageId, triage);
  }

  /** Stores an outbound message with `send`, the outbox row that delivers it, in one statement. */
  addOutbound(
    conversationId: string,
    channel: Channel,
    text: string,
    buttons: string[],
    send: FollowUp,
  ): Promise<{ messageId: string; followUpId: string }> {
    return this.repository.insertOutbound(conversationId, channel, text, buttons, send);
  }

  /** `via`: how it went out when not as a plain message in its channel (template, sms). */
  /** Returns the seconds from the client's first message when this is the conversation's first reply. */
  markSent(messageId: string, providerMessageId: string | null, via: string | null = null): Promise<number | null> {
    return this.repository.markSent(messageId, providerMessageId, via);
  }

  markFailed(messageId: string, error: string): Promise<void> {
    return this.repository.markFailed(messageId, error);
  }

  /** Applies a provider's delivery report; returns our message id when the report made it fail. */
  applyDeliveryStatus(
    channel: Channel,
    providerMessageId: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    error: string | null,
  ): Promise<string | null> {
    return this.repository.applyDeliveryStatus(channel, providerMessageId, status, error);
  }

  setLeadStatus(leadId: string, status: LeadStatus): Promise<void> {
    return this.repository.setLeadStatus(leadId, status);
  }

  contactOf(contactId: string): Promise<{ id: string; name: string | null; phone: string | null } | null> {
    return this.repository.contact(contactId);
  }

  /**
   * Records the phone (and name) a client typed in the conversation; merges with the contact that already has
   * that phone. Returns the contact id that holds it.
   */
  completeContact(contactId: string, details: { phone: string; name?: string }): Promise<string> {
    const phone = normalizePhone(details.phone);
    if (!phone) return Promise.resolve(contactId);
    return this.repository.completeContact(contactId, phone, details.name?.trim() || null);
  }

  /** An outbound message and the client it goes to in its channel; null when there is no such message. */
  outboundWithRecipient(
    messageId: string,
  ): Promise<{ message: StoredMessage; recipient: MessageRecipient | null } | null> {
    return this.repository.outboundWithRecipient(messageId);
  }

  recipientOf(messageId: string): Promise<MessageRecipient | null> {
    return this.repository.recipientOf(messageId);
  }

  /** The client blocked us or closed their messages in this channel: no more sending there until they write. */
  markUnreachable(channel: Channel, externalUserId: string, reason: string): Promise<void> {
    return this.repository.markUnreachable(channel, externalUserId, reason);
  }

  leadForCrm(leadId: string): Promise<LeadForCrm | null> {
    return this.repository.leadForCrm(leadId);
  }

  markCrmDelivered(
    leadId: string,
    delivery: { provider: string; externalId: string; refs: Record<string, string>; attempts: number },
  ): Promise<void> {
    return this.repository.markCrmDelivered(leadId, delivery);
  }

  /**
   * Two syncs of one lead (the client wrote twice before the first was filed) must not both find it absent and
   * file it twice: the second waits for the first's transaction and then sees its CRM id.
   */
  lockForCrmSync(leadId: string): Promise<void> {
    return this.repository.lockForCrmSync(leadId);
  }

  saveCrmRefs(leadId: string, refs: Record<string, string>): Promise<void> {
    return this.repository.saveCrmRefs(leadId, refs);
  }

  markCrmFailed(leadId: string, attempts: number): Promise<void> {
    return this.repository.markCrmFailed(leadId, attempts);
  }

  /** Leads matching the filter, newest first. */
  findLeads(filter: LeadFilter, limit: number, offset: number): Promise<{ items: LeadView[]; total: number }> {
    return this.repository.findLeads(filter, limit, offset);
  }

  /** Everything about one lead an admin needs to follow it up; null when there is no such lead. */
  leadDetail(leadId: string): Promise<LeadDetail | null> {
    return this.repository.leadDetail(leadId);
  }

  conversation(conversationId: string): Promise<{ id: string; channel: Channel; contactId: string } | null> {
    return this.repository.conversation(conversationId);
  }

  /** Conversations with their client, the most recently active first. */
  listConversations(
    filter: ConversationFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: ConversationSummary[]; total: number }> {
    return this.repository.listConversations(filter, limit, offset);
  }

  /** A reply a manager wrote, queued for its channel like the bot's; add its 'reply.send' in the same transaction. */
  addManagerReply(conversationId: string, channel: Channel, text: string): Promise<string> {
    return this.repository.insertOutboundBy(conversationId, channel, text, 'manager');
  }
}
