import type { Channel } from './channel';
import type { CrmStatus, LeadStatus } from './lead';
import type { AttachmentKind, MessageDirection, MessageStatus } from './message';

/** Which leads an admin list shows; every field narrows it, none shows all. `to` is exclusive. */
export interface LeadFilter {
  status?: LeadStatus;
  channel?: Channel;
  intent?: string;
  urgency?: 'hot' | 'cold';
  from?: Date;
  to?: Date;
}

/** Who wrote a message: the client, the bot, or a manager through the admin API. */
export type MessageAuthor = 'client' | 'bot' | 'manager';

export interface TranscriptEntry {
  id: string;
  direction: MessageDirection;
  author: MessageAuthor;
  text: string;
  status: MessageStatus;
  attachment: AttachmentKind | null;
  createdAt: Date;
  sentAt: Date | null;
  /** How an outbound message finally went out when not as a plain message in its channel (template, sms). */
  deliveredVia: string | null;
  /** Why an outbound message failed. */
  error: string | null;
  /** What triage concluded about a client message; null for replies and before triage. */
  triage: Record<string, unknown> | null;
}

/** Where the lead stands with the CRM, and the last error a sync met. */
export interface CrmSyncState {
  provider: string;
  status: CrmStatus;
  attempts: number;
  externalId: string | null;
  refs: Record<string, string>;
  deliveredAt: Date | null;
  lastError: { message: string; at: string | null; attempt: number } | null;
}

/** One lead as an admin inspects it: the client, the whole conversation, the CRM state, the trace to follow. */
export interface LeadDetail {
  id: string;
  conversationId: string;
  channel: Channel;
  intent: string;
  urgency: 'hot' | 'cold';
  status: LeadStatus;
  details: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  contact: { id: string; name: string | null; phone: string | null };
  transcript: TranscriptEntry[];
  crm: CrmSyncState;
  /** The OpenTelemetry trace of the lead's first message, for finding it in the tracing backend. */
  traceId: string | null;
}

/** Narrows a conversation list to some conversations (`only`) or away from some (`except`). */
export interface ConversationFilter {
  only?: string[];
  except?: string[];
}

export interface ConversationSummary {
  id: string;
  channel: Channel;
  contact: { id: string; name: string | null; phone: string | null };
  createdAt: Date;
  lastMessageAt: Date | null;
}

/** The trace id of a W3C traceparent ("00-<32 hex trace id>-<16 hex span id>-<2 hex flags>"), or null. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent?.trim() ?? '');
  return match && !/^0+$/.test(match[1]) ? match[1] : null;
}

/** The last error an outbox row's attempt log recorded, newest try first. */
export function lastAttemptError(
  attemptLog: ReadonlyArray<{ attempt: number; failedAt?: string; error?: string }>,
): CrmSyncState['lastError'] {
  const failed = [...attemptLog].reverse().find((entry) => entry.error);
  return failed ? { message: failed.error!, at: failed.failedAt ?? null, attempt: failed.attempt } : null;
}
