import type { TimeRange } from './time-range';

export const APPOINTMENT_STATUSES = ['booked', 'cancelled', 'completed', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** An appointment with the names a confirmation or a reminder needs. */
export interface Appointment {
  readonly id: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly staffId: string;
  readonly staffName: string;
  readonly contactId: string | null;
  readonly conversationId: string | null;
  readonly leadId: string | null;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly status: AppointmentStatus;
  readonly note: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SlotHold {
  readonly id: string;
  readonly staffId: string;
  readonly serviceId: string;
  readonly conversationId: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly expiresAt: Date;
}

export interface NewAppointment {
  serviceId: string;
  staffId: string;
  range: TimeRange;
  contactId: string | null;
  conversationId: string | null;
  leadId: string | null;
  note: string | null;
}

/** Which appointments to list; every field given narrows the list. */
export interface AppointmentFilter {
  /** Appointments ending after this. */
  from?: Date;
  /** Appointments starting before this. */
  to?: Date;
  staffId?: string;
  contactId?: string;
  status?: AppointmentStatus;
}
