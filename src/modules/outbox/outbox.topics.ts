/**
 * Every kind of side effect that goes through the outbox, with its payload. Each topic is one BullMQ queue.
 * Producers and consumers live in different modules, so the contract between them lives here.
 */
export interface OutboxPayloads {
  /** Classify an inbound message and decide the answer. */
  'triage.process': { messageId: string };
  /** Deliver an outbound message through its channel. */
  'reply.send': { messageId: string };
  /** Bring the lead's CRM card up to date. */
  'crm.sync': { leadId: string };
  /** Tell the managers about a problem; alerts of one kind within a window go out as one message. */
  'alert.send': { alertId: string };
}

export type OutboxTopic = keyof OutboxPayloads;
export const OUTBOX_TOPICS: readonly OutboxTopic[] = ['triage.process', 'reply.send', 'crm.sync', 'alert.send'];

/** What a job carries: only the outbox id; the row is the source of truth. */
export interface OutboxJobData {
  outboxId: string;
}

/** BullMQ forbids plain integers and ':' in custom job ids. */
export const outboxJobId = (outboxId: string): string => `ob-${outboxId}`;
