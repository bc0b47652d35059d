import { Injectable } from '@nestjs/common';
import { TransientError } from '../../../shared/domain-error';
import { normalizePhone } from '../../../shared/phone';
import type { Channel } from '../domain/channel';
import type { FollowUp } from '../domain/follow-up';
import { refineLead, type LeadAssessment, type LeadForCrm, type LeadView } from '../domain/lead';
import type { ConversationFilter, ConversationSummary, LeadDetail, LeadFilter } from '../domain/lead-detail';
import type { ClientMessage, InboundMessage, MessageRecipient, StoredMessage } from '../domain/message';
import { LeadQueries } from '../ports/lead-queries.port';
import { LeadStore, type CrmDelivery, type LeadWritten } from '../ports/lead-store.port';
import { MessageStore, type AcceptedMessage } from '../ports/message-store.port';

/** A lead changed by others this many times while one message was written to it is a bug, not contention. */
const LEAD_WRITE_TRIES = 3;

/** What other modules may ask of contacts, conversations, messages and leads. Call inside a unit of work. */
@Injectable()
export class LeadsFacade {
  constructor(
    private readonly messages: MessageStore,
    private readonly leads: LeadStore,
    private readonly queries: LeadQueries,
  ) {}

  /**
   * Stores an inbound message once, together with the outbox row of what must follow it, in one atomic step.
   * A provider's retry of the same message returns the first record and no follow-up.
   */
  acceptInbound(message: InboundMessage, followUp: FollowUp): Promise<AcceptedMessage> {
    const phone = message.phone ? normalizePhone(message.phone) : null;
    return this.messages.acceptInbound(message, phone, followUp);
  }

  /** A client's (inbound) message with the contact's name and phone; null when there is no such message. */
  findClientMessage(messageId: string): Promise<ClientMessage | null> {
    return this.messages.findClientMessage(messageId);
  }

  /** The last `limit` messages the client saw before this one (theirs, and replies sent), oldest first. */
  messagesBefore(message: StoredMessage, limit: number): Promise<StoredMessage[]> {
    return this.messages.messagesBefore(message, limit);
  }

  /** What the client sees of the conversation since a cursor (unset: all of it), and the next cursor. */
  visibleMessagesSince(
    channel: Channel,
    threadId: string,
    since?: string,
  ): Promise<{ messages: StoredMessage[]; cursor: string | null } | null> {
    return this.messages.visibleMessagesSince(channel, threadId, since);
  }

  /**
   * Records what triage concluded and updates the conversation's lead, with `sync` (the outbox row that brings
   * the CRM up to date) and the bot's reply with its `send` row, in the same statement.
   */
  async assess(
    message: ClientMessage,
    triage: object,
    assessment: LeadAssessment,
    crmProvider: string,
    sync: FollowUp,
    reply?: { text: string; buttons: string[]; send: FollowUp },
  ): Promise<LeadWritten> {
    // Usually the lead read with the message is still current and this is one statement; when another message of
    // the conversation changed it meanwhile, it is read again under a row lock.
    let previous = message.lead;
    for (let tries = 0; tries < LEAD_WRITE_TRIES; tries++) {
      const next = refineLead(previous, assessment);
      const written = await this.leads.writeLead({ message, triage, previous, next, crmProvider, sync, reply });
      if (written) return written;
      previous = await this.leads.lockLeadOf(message.conversationId);
    }
    throw new TransientError(`the lead of conversation ${message.conversationId} kept changing`);
  }

  async saveTriage(messageId: string, triage: object): Promise<void> {
    await this.messages.saveTriage(messageId, triage);
  }

  /** Stores an outbound message with `send`, the outbox row that delivers it, in one statement. */
  addOutbound(
    conversationId: string,
    channel: Channel,
    text: string,
    buttons: string[],
    send: FollowUp,
  ): Promise<{ messageId: string; followUpId: string }> {
    return this.messages.insertOutbound(conversationId, channel, text, buttons, send);
  }

  /** `via`: how it went out when not as a plain message in its channel (template, sms). */
  /** Returns the seconds from the client's first message when this is the conversation's first reply. */
  markSent(messageId: string, providerMessageId: string | null, via: string | null = null): Promise<number | null> {
    return this.messages.markSent(messageId, providerMessageId, via);
  }

  markFailed(messageId: string, error: string): Promise<void> {
    return this.messages.markFailed(messageId, error);
  }

  /** Applies a provider's delivery report; returns our message id when the report made it fail. */
  applyDeliveryStatus(
    channel: Channel,
    providerMessageId: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    error: string | null,
  ): Promise<string | null> {
    return this.messages.applyDeliveryStatus(channel, providerMessageId, status, error);
  }

  contactOf(contactId: string): Promise<{ id: string; name: string | null; phone: string | null } | null> {
    return this.messages.contact(contactId);
  }

  /**
   * Records the phone (and name) a client typed in the conversation; merges with the contact that already has
   * that phone. Returns the contact id that holds it.
   */
  completeContact(contactId: string, details: { phone: string; name?: string }): Promise<string> {
    const phone = normalizePhone(details.phone);
    if (!phone) return Promise.resolve(contactId);
    return this.messages.completeContact(contactId, phone, details.name?.trim() || null);
  }

  /** An outbound message and the client it goes to in its channel; null when there is no such message. */
  outboundWithRecipient(
    messageId: string,
  ): Promise<{ message: StoredMessage; recipient: MessageRecipient | null } | null> {
    return this.messages.outboundWithRecipient(messageId);
  }

  /** The client blocked us or closed their messages in this channel: no more sending there until they write. */
  markUnreachable(channel: Channel, externalUserId: string, reason: string): Promise<void> {
    return this.messages.markUnreachable(channel, externalUserId, reason);
  }

  leadForCrm(leadId: string): Promise<LeadForCrm | null> {
    return this.leads.leadForCrm(leadId);
  }

  markCrmDelivered(leadId: string, delivery: CrmDelivery): Promise<{ behind: boolean }> {
    return this.leads.markCrmDelivered(leadId, delivery);
  }

  /**
   * Two syncs of one lead (the client wrote twice before the first was filed) must not both find it absent and
   * file it twice: a sync holds the lead's lease while it calls the CRM. False when another sync holds it.
   */
  leaseLeadForCrm(leadId: string, leaseMs: number): Promise<LeadForCrm | 'held' | null> {
    return this.leads.leaseLeadForCrm(leadId, leaseMs);
  }

  renewCrmLease(leadId: string, leaseMs: number): Promise<void> {
    return this.leads.renewCrmLease(leadId, leaseMs);
  }

  releaseCrmLease(leadId: string): Promise<void> {
    return this.leads.releaseCrmLease(leadId);
  }

  saveCrmRefs(leadId: string, refs: Record<string, string>): Promise<void> {
    return this.leads.saveCrmRefs(leadId, refs);
  }

  markCrmFailed(leadId: string, attempts: number): Promise<void> {
    return this.leads.markCrmFailed(leadId, attempts);
  }

  /** Leads matching the filter, newest first. */
  findLeads(filter: LeadFilter, limit: number, offset: number): Promise<{ items: LeadView[]; total: number }> {
    return this.queries.findLeads(filter, limit, offset);
  }

  /** Everything about one lead an admin needs to follow it up; null when there is no such lead. */
  leadDetail(leadId: string): Promise<LeadDetail | null> {
    return this.queries.leadDetail(leadId);
  }

  conversation(conversationId: string): Promise<{ id: string; channel: Channel; contactId: string } | null> {
    return this.messages.conversation(conversationId);
  }

  /** Conversations with their client, the most recently active first. */
  listConversations(
    filter: ConversationFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: ConversationSummary[]; total: number }> {
    return this.queries.listConversations(filter, limit, offset);
  }

  /** A reply a manager wrote, queued for its channel like the bot's; add its reply.send job in the same transaction. */
  addManagerReply(conversationId: string, channel: Channel, text: string): Promise<string> {
    return this.messages.insertOutboundBy(conversationId, channel, text, 'manager');
  }
}
