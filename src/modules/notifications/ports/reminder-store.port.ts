import type { ReminderRow } from '../domain/reminder';

/** The reminders of visits. Joins the caller's transaction. */
export abstract class ReminderStore {
  /** Stores a scheduled reminder; returns its id. */
  abstract insert(reminder: Omit<ReminderRow, 'id' | 'status'>): Promise<string>;

  /** Cancels the appointment's reminders still to be sent; returns how many. */
  abstract cancelScheduled(appointmentId: string): Promise<number>;

  /** Inside a transaction: the reminder, locked, while it is still to be sent. */
  abstract lockScheduled(id: string): Promise<ReminderRow | null>;

  abstract markSent(id: string): Promise<void>;

  /** Every reminder of the appointment, whatever its status, in the order they are due. */
  abstract forAppointment(appointmentId: string): Promise<ReminderRow[]>;
}
