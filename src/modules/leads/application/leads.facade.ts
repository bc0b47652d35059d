import { Injectable } from '@nestjs/common';
import { normalizePhone } from '../../../shared/phone';
import { TypeOrmLeadsRepository } from '../adapters/persistence/typeorm-leads.repository';
import type { Channel } from '../domain/channel';
import { statusFor, type LeadAssessment, type LeadForCrm, type LeadView } from '../domain/lead';
import type { InboundMessage, RecordedInbound, StoredMessage } from '../domain/message';

/** What other modules may ask of contacts, conversations, messages and leads. Call inside a unit of work. */
@Injectable()
export class LeadsFacade {
  constructor(private readonly repository: TypeOrmLeadsRepository) {}

  /** Stores an inbound message once; a provider's retry of the same message returns the first record. */
  async recordInbound(message: InboundMessage): Promise<RecordedInbound> {
    const existing = await this.repository.findInbound(message.channel, message.providerMessageId);
    if (existing) return { ...this.idsOf(existing), duplicate: true };

    const contactId = await this.resolveContact(message);
    const conversationId = await this.repository.upsertConversation(contactId, message.channel, message.threadId);
    const messageId = await this.repository.insertInbound(conversationId, message);
    if (messageId) return { messageId, conversationId, contactId, duplicate: false };

    // A concurrent request stored it first; ours waited on the unique index and did nothing.
    const first = await this.repository.findInbound(message.channel, message.providerMessageId);
    if (!first) throw new Error('inbound message vanished after a unique conflict');
    return { ...this.idsOf(first), duplicate: true };
  }

  findMessage(messageId: string): Promise<StoredMessage | null> {
    return this.repository.findMessage(messageId);
  }

  /** The conversation oldest first: client messages and the replies already sent. Null if there is none. */
  conversationMessages(channel: Channel, threadId: string): Promise<StoredMessage[] | null> {
    return this.repository.conversationMessages(channel, threadId);
  }

  /** Records what triage concluded and updates the conversation's lead; returns the lead id. */
  async assess(
    message: StoredMessage,
    triage: object,
    assessment: LeadAssessment,
    crmProvider: string,
  ): Promise<string> {
    await this.repository.saveTriage(message.id, triage);
    return this.repository.upsertLead(message, assessment, statusFor(assessment), crmProvider);
  }

  async saveTriage(messageId: string, triage: object): Promise<void> {
    await this.repository.saveTriage(messageId, triage);
  }

  addOutbound(conversationId: string, channel: Channel, text: string): Promise<string> {
    return this.repository.insertOutbound(conversationId, channel, text);
  }

  markSent(messageId: string, providerMessageId: string | null): Promise<void> {
    return this.repository.markSent(messageId, providerMessageId);
  }

  leadForCrm(leadId: string): Promise<LeadForCrm | null> {
    return this.repository.leadForCrm(leadId);
  }

  markCrmDelivered(leadId: string, provider: string, externalId: string, attempts: number): Promise<void> {
    return this.repository.markCrmDelivered(leadId, provider, externalId, attempts);
  }

  markCrmFailed(leadId: string, attempts: number): Promise<void> {
    return this.repository.markCrmFailed(leadId, attempts);
  }

  listLeads(limit: number, offset: number): Promise<{ items: LeadView[]; total: number }> {
    return this.repository.listLeads(limit, offset);
  }

  /**
   * The same person is one contact: found by (channel, external id), else by phone in E.164. When a known
   * identity turns out to share a phone with another contact, the two are merged.
   */
  private async resolveContact(message: InboundMessage): Promise<string> {
    const phone = message.phone ? normalizePhone(message.phone) : null;
    const name = message.name?.trim() || null;
    const byIdentity = await this.repository.findContactByIdentity(message.channel, message.externalUserId);
    const byPhone = phone ? await this.repository.findContactByPhone(phone) : null;

    if (byIdentity && byPhone && byIdentity !== byPhone) {
      await this.repository.mergeContacts(byIdentity, byPhone);
      await this.repository.completeContact(byPhone, name, null);
      return byPhone;
    }
    if (byIdentity) {
      await this.repository.completeContact(byIdentity, name, phone);
      return byIdentity;
    }
    const candidate = byPhone ?? (await this.repository.insertContact(name, phone));
    const contactId = await this.repository.attachIdentity(message.channel, message.externalUserId, candidate);
    if (contactId !== candidate && !byPhone) await this.repository.deleteContactIfUnused(candidate);
    await this.repository.completeContact(contactId, name, phone);
    return contactId;
  }

  private idsOf(message: StoredMessage): Omit<RecordedInbound, 'duplicate'> {
    return { messageId: message.id, conversationId: message.conversationId, contactId: message.contactId };
  }
}
