import type { ReminderKind } from './reminder-schedule';

/** One reminder of a visit, as stored: where it goes, what it says and when. */
export interface ReminderRow {
  id: string;
  appointmentId: string;
  conversationId: string;
  channel: string;
  kind: ReminderKind;
  visitStartsAt: Date;
  serviceName: string;
  sendAt: Date;
  status: 'scheduled' | 'sent' | 'cancelled';
}
