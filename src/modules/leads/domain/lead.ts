import type { Channel } from './channel';

export type LeadStatus = 'new' | 'escalated' | 'booked' | 'cancelled';
export type CrmStatus = 'pending' | 'delivered' | 'failed';

/** What triage concluded about one client message, as far as the lead cares. */
export interface LeadAssessment {
  intent: string;
  urgency: 'hot' | 'cold';
  escalate: boolean;
  details: Record<string, string>;
  /** What the conversation did with the request (a visit booked or cancelled), when it did something. */
  status?: LeadStatus;
}

/** The part of a lead that each client message refines. */
export interface LeadState {
  intent: string;
  urgency: 'hot' | 'cold';
  escalate: boolean;
  status: LeadStatus;
  details: Record<string, string>;
}

/** A conversation's lead as it stands. */
export interface CurrentLead extends LeadState {
  id: string;
}

export interface LeadView {
  id: string;
  contactId: string;
  channel: Channel;
  intent: string;
  urgency: 'hot' | 'cold';
  status: LeadStatus;
  createdAt: Date;
  crm: { provider: string; externalId: string | null; status: CrmStatus; attempts: number };
}

/** Everything a CRM needs to file the lead. */
export interface LeadForCrm {
  id: string;
  channel: Channel;
  intent: string;
  urgency: 'hot' | 'cold';
  status: LeadStatus;
  details: Record<string, string>;
  contact: { id: string; name: string | null; phone: string | null };
  transcript: Array<{ direction: 'in' | 'out'; text: string; at: Date }>;
  /** The CRM's id of this lead once filed; a later sync updates it and never files a second one. */
  crmExternalId: string | null;
  /** The CRM ids a previous sync stored (contact, lead or deal, task...), so a retry resumes where it stopped. */
  crmRefs: Record<string, string>;
  /** The newest message the CRM already has of this lead; messages after it are what a follow-up must add. */
  crmDeliveredAt: Date | null;
}

/**
 * One lead per conversation, refined by each client message:
 * - a real intent replaces a vague one ('other'), a vague one never replaces a real one;
 * - hot wins over cold, and an escalation sticks: once a person is needed, the lead says so;
 * - what the conversation did (booked, cancelled) sets the status; otherwise an escalation makes it escalated,
 *   a booked or cancelled visit stays so, and anything else is new;
 * - details accumulate, a later value of the same detail replacing the earlier one.
 */
export function refineLead(previous: LeadState | null, assessment: LeadAssessment): LeadState {
  const escalate = Boolean(previous?.escalate) || assessment.escalate;
  return {
    intent: previous && assessment.intent === VAGUE_INTENT ? previous.intent : assessment.intent,
    urgency: previous?.urgency === 'hot' || assessment.urgency === 'hot' ? 'hot' : 'cold',
    escalate,
    status: assessment.status ?? (escalate ? 'escalated' : (settledStatus(previous) ?? 'new')),
    details: { ...previous?.details, ...assessment.details },
  };
}

const VAGUE_INTENT = 'other';

function settledStatus(lead: LeadState | null): LeadStatus | null {
  return lead && (lead.status === 'booked' || lead.status === 'cancelled') ? lead.status : null;
}
