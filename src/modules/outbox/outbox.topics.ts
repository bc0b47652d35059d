import type { TraceCarrier } from '../../observability/trace-context';
import { CHANNELS, type Channel } from '../leads';

/**
 * Every kind of side effect that goes through the outbox, with its payload. Each topic is one BullMQ queue.
 * Producers and consumers live in different modules, so the contract between them lives here.
 */
interface TopicPayloads {
  /** Read a stored webhook event: store the messages it holds, apply delivery statuses. */
  'inbound.process': { eventId: string };
  /** Answer a provider interaction (Telegram callback_query) so the client's button stops spinning. */
  'inbound.ack': { channel: string; ackId: string };
  /** Classify an inbound message and decide the answer. */
  'triage.process': { messageId: string };
  /** A reply the channel could not deliver (outside the 24-hour window, failed status): send it by SMS. */
  'reply.fallback': { messageId: string };
  /** Bring the lead's CRM card up to date. */
  'crm.sync': { leadId: string };
  /** Remind a client of their visit (24 h or 1 h before); delayed until it is due. */
  'reminder.send': { reminderId: string };
  /** Tell the managers about a problem; alerts of one kind within a window go out as one message. */
  'alert.send': { alertId: string };
}

/**
 * Deliver an outbound message through its channel. One queue per channel: a provider's send limit (Telegram's
 * 30 messages a second) holds back only that channel's replies, and waits for it in Redis, not in a worker's slot.
 */
export type ReplyTopic = `reply.send.${Channel}`;
export const replyTopic = (channel: Channel): ReplyTopic => `reply.send.${channel}`;
export const REPLY_TOPICS: readonly ReplyTopic[] = CHANNELS.map(replyTopic);

export type OutboxPayloads = TopicPayloads & Record<ReplyTopic, { messageId: string }>;
export type OutboxTopic = keyof OutboxPayloads;
export const OUTBOX_TOPICS: readonly OutboxTopic[] = [
  'inbound.process',
  'inbound.ack',
  'triage.process',
  ...REPLY_TOPICS,
  'reply.fallback',
  'crm.sync',
  'reminder.send',
  'alert.send',
];

/**
 * What a job carries: the outbox id, and maybe a copy of the row's payload and trace. The row stays the source of
 * truth: the try claims it, so a copy never runs work twice.
 */
export interface OutboxJobData {
  outboxId: string;
  payload?: unknown;
  traceContext?: TraceCarrier;
}

/** BullMQ forbids plain integers and ':' in custom job ids. */
export const outboxJobId = (outboxId: string): string => `ob-${outboxId}`;
