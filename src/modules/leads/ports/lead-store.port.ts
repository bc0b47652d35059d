import type { FollowUp } from '../domain/follow-up';
import type { CurrentLead, LeadForCrm, LeadState } from '../domain/lead';
import type { StoredMessage } from '../domain/message';

/** What one message changes in its conversation's lead. */
export interface LeadWrite {
  message: StoredMessage;
  triage: object;
  /** The lead as it was read; null when the conversation had none. */
  previous: CurrentLead | null;
  next: LeadState;
  crmProvider: string;
  sync: FollowUp;
  /** The bot's answer, stored with the lead and its `send` outbox row; none when the bot stays silent. */
  reply?: { text: string; buttons: string[]; send: FollowUp };
}

export interface LeadWritten {
  leadId: string;
  followUpId: string;
  /** The reply's outbox row; null without a reply. */
  replyFollowUpId: string | null;
}

/** Leads and their CRM delivery state. */
export abstract class LeadStore {
  /**
   * Records the message's triage and writes the lead with the outbox row that syncs it to the CRM, and the reply
   * with its own, in one statement, provided the lead is still `previous`. Null, with nothing written, when
   * someone changed it meanwhile: read it again with `lockLeadOf` and retry.
   */
  abstract writeLead(write: LeadWrite): Promise<LeadWritten | null>;

  /** Inside a transaction: the conversation's lead, locked until the transaction ends; null when none. */
  abstract lockLeadOf(conversationId: string): Promise<CurrentLead | null>;

  /**
   * Takes the lead's CRM lease for `leaseMs` and reads the lead as the CRM gets it, in one statement: two syncs of
   * one lead (the client wrote twice before the first was filed) must not both find it absent and file it twice.
   * 'held' while another sync holds the lease; null when there is no such lead.
   */
  abstract leaseLeadForCrm(leadId: string, leaseMs: number): Promise<LeadForCrm | 'held' | null>;

  /** Keeps the lease for another `leaseMs`, while the sync that holds it still runs. */
  abstract renewCrmLease(leadId: string, leaseMs: number): Promise<void>;

  /** Gives the lease back after a sync that failed. */
  abstract releaseCrmLease(leadId: string): Promise<void>;

  /** The lead as the CRM gets it, with the latest messages of its conversation. */
  abstract leadForCrm(leadId: string): Promise<LeadForCrm | null>;

  /**
   * The CRM took the lead as it was up to `delivery.through`; ends the lease. `behind`: the conversation has
   * messages after that (they came while the sync ran), which need a sync of their own.
   */
  abstract markCrmDelivered(leadId: string, delivery: CrmDelivery): Promise<{ behind: boolean }>;

  /** Keeps the CRM ids of the steps done so far, in their own transaction, before the next step can fail. */
  abstract saveCrmRefs(leadId: string, refs: Record<string, string>): Promise<void>;

  abstract markCrmFailed(leadId: string, attempts: number): Promise<void>;
}

export interface CrmDelivery {
  provider: string;
  externalId: string;
  refs: Record<string, string>;
  attempts: number;
  /** The newest message the CRM got (or the lead's read time): what a follow-up starts after. */
  through: Date;
}
