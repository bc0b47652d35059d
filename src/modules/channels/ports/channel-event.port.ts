import type { Channel, InboundMessage } from '../../leads';

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** What one stored webhook event means to us. A provider payload may hold several (Meta batches). */
export type ChannelEvent =
  /** A client wrote (text, a button press, a shared contact, an attachment). `ackId`: a Telegram callback_query to answer. */
  | { kind: 'message'; message: InboundMessage; ackId?: string }
  /** The provider reports on a message we sent. `failed` makes the reply fall back to SMS. */
  | { kind: 'status'; providerMessageId: string; status: DeliveryStatus; error?: string }
  /** Understood and deliberately ignored (our own echo, a typing event, an unknown type). */
  | { kind: 'ignored'; reason: string };

/**
 * Turns one raw webhook payload, as the intake stored it, into the events it holds. Pure and total: it never
 * throws on a payload it does not understand (it answers `ignored`), because the provider was already told 200.
 */
export abstract class ChannelEventParser {
  abstract readonly channel: Channel;
  abstract parse(payload: unknown): ChannelEvent[];
}
