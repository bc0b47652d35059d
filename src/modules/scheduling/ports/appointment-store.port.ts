import type {
  Appointment,
  AppointmentFilter,
  AppointmentStatus,
  NewAppointment,
  SlotHold,
} from '../domain/appointment';
import type { TimeRange } from '../domain/time-range';

/**
 * Appointments and holds. Writers of one staff member's time first take `lockStaff`, so the check of holds
 * against bookings cannot race; the store stays the last word on overlaps: `insert`, `move` and `insertHold`
 * throw SlotTakenError on one and leave the caller's transaction usable (the caller may catch it and offer other
 * times in the same transaction). Must run inside a transaction (UnitOfWork.run) for the lock.
 */
export abstract class AppointmentStore {
  /** Serialises, until the transaction ends, everyone booking, holding or moving time of this staff member. */
  abstract lockStaff(staffId: string): Promise<void>;

  /**
   * What takes the staff members' time within the window: booked appointments (but `exceptAppointmentId`) and
   * live holds of other conversations than `ownConversationId`.
   */
  abstract busy(
    staffIds: string[],
    window: TimeRange,
    options?: { ownConversationId?: string; exceptAppointmentId?: string },
  ): Promise<Map<string, TimeRange[]>>;

  /** Whether a live hold of a conversation other than those allowed overlaps the range. */
  abstract heldByOthers(staffId: string, range: TimeRange, allowedConversations: string[]): Promise<boolean>;

  /** Whether a booked appointment of the staff member overlaps the range. */
  abstract bookedOverlapping(staffId: string, range: TimeRange): Promise<boolean>;

  /** Throws SlotTakenError('booked') when the time overlaps a booked appointment. */
  abstract insert(appointment: NewAppointment): Promise<Appointment>;

  /** `lock`: inside a transaction, locked until it ends. */
  abstract find(id: string, options?: { lock?: boolean }): Promise<Appointment | null>;

  abstract setStatus(id: string, status: AppointmentStatus): Promise<Appointment>;

  /** Throws SlotTakenError('booked') when the new time overlaps another booked appointment. */
  abstract move(id: string, staffId: string, range: TimeRange): Promise<Appointment>;

  /** The contact's booked appointments that have not started yet, soonest first. */
  abstract upcomingFor(contactId: string): Promise<Appointment[]>;

  /** A page of the appointments the filter selects, by start time, and how many it selects in all. */
  abstract list(
    filter: AppointmentFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: Appointment[]; total: number }>;

  abstract findHold(id: string): Promise<SlotHold | null>;

  /** Expired holds are dead weight, and they would trip the refusal of overlapping holds. */
  abstract deleteExpiredHolds(staffId: string): Promise<void>;

  /** The conversation's live hold of exactly this time, renewed for another `ttlSeconds`; null if it has none. */
  abstract renewHold(
    conversationId: string,
    staffId: string,
    range: TimeRange,
    ttlSeconds: number,
  ): Promise<SlotHold | null>;

  /** Throws SlotTakenError('held') when the time overlaps another live hold. */
  abstract insertHold(
    hold: { staffId: string; serviceId: string; conversationId: string; range: TimeRange },
    ttlSeconds: number,
  ): Promise<SlotHold>;

  /** Drops every hold of the conversation; returns how many. */
  abstract releaseHolds(conversationId: string): Promise<number>;
}
