import type { Channel } from '../domain/channel';
import type { FollowUp } from '../domain/follow-up';
import type { ClientMessage, InboundMessage, MessageRecipient, StoredMessage } from '../domain/message';

export interface AcceptedMessage {
  messageId: string;
  conversationId: string;
  contactId: string;
  /** The outbox row added with it; null when the message had been stored before (a provider's retry). */
  followUpId: string | null;
}

/** Contacts, conversations and messages: what comes in, what goes out, and what the client sees. */
export abstract class MessageStore {
  /**
   * Stores an inbound message with its follow-up outbox row in one atomic step, resolving its contact and
   * conversation. A message stored before comes back with `followUpId` null.
   */
  abstract acceptInbound(message: InboundMessage, phone: string | null, followUp: FollowUp): Promise<AcceptedMessage>;

  /** An inbound message with its contact's name and phone and its conversation's lead, in one read. */
  abstract findClientMessage(id: string): Promise<ClientMessage | null>;

  /** Stores an outbound message with the outbox row that sends it, in one statement. */
  abstract insertOutbound(
    conversationId: string,
    channel: Channel,
    text: string,
    buttons: string[],
    send: FollowUp,
  ): Promise<{ messageId: string; followUpId: string }>;

  /** An outbound message written by someone other than the bot (a manager), queued like the bot's replies. */
  abstract insertOutboundBy(
    conversationId: string,
    channel: Channel,
    text: string,
    author: 'bot' | 'manager',
  ): Promise<string>;

  /**
   * Marks a reply sent. Returns the seconds since the client first wrote when this is the conversation's first
   * reply, null otherwise.
   */
  abstract markSent(messageId: string, providerMessageId: string | null, via: string | null): Promise<number | null>;

  abstract markFailed(messageId: string, error: string): Promise<void>;

  /**
   * A provider's report on a message we sent. Statuses only move forward (a late `delivered` never undoes `read`);
   * `failed` wins. Returns our message id when this report is what made it fail, null otherwise.
   */
  abstract applyDeliveryStatus(
    channel: Channel,
    providerMessageId: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    error: string | null,
  ): Promise<string | null>;

  /**
   * An outbound message with the client it goes to in its channel (the identity that wrote in this conversation
   * last), in one read.
   */
  abstract outboundWithRecipient(
    messageId: string,
  ): Promise<{ message: StoredMessage; recipient: MessageRecipient | null } | null>;

  abstract markUnreachable(channel: Channel, externalUserId: string, reason: string): Promise<void>;

  abstract saveTriage(messageId: string, triage: object): Promise<void>;

  /** Up to `limit` messages the client saw before `message` (theirs, and replies sent), oldest first. */
  abstract messagesBefore(message: StoredMessage, limit: number): Promise<StoredMessage[]>;

  /**
   * What the client can see of the conversation that became visible after `since` (a cursor from the previous
   * answer; unset: everything): client messages when stored, replies when sent.
   */
  abstract visibleMessagesSince(
    channel: Channel,
    threadId: string,
    since: string | undefined,
  ): Promise<{ messages: StoredMessage[]; cursor: string | null } | null>;

  abstract contact(contactId: string): Promise<{ id: string; name: string | null; phone: string | null } | null>;

  /**
   * Gives the contact the phone (and name) the client typed. When another contact already has that phone, the two
   * are one person and merge into it. Returns the id of the contact that holds the phone.
   */
  abstract completeContact(contactId: string, phone: string, name: string | null): Promise<string>;

  abstract conversation(conversationId: string): Promise<{ id: string; channel: Channel; contactId: string } | null>;
}
