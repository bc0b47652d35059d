import type { Channel } from './channel';

export type LeadStatus = 'new' | 'escalated' | 'booked' | 'cancelled';
export type CrmStatus = 'pending' | 'delivered' | 'failed';

/** What triage concluded about one client message, as far as the lead cares. */
export interface LeadAssessment {
  intent: string;
  urgency: 'hot' | 'cold';
  escalate: boolean;
  details: Record<string, string>;
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
  /** When the CRM last took this lead; messages after it are what a follow-up sync must add. */
  crmDeliveredAt: Date | null;
}

/** A message that needs a human makes the whole lead escalated. */
export function statusFor(assessment: LeadAssessment): LeadStatus {
  return assessment.escalate ? 'escalated' : 'new';
}
