import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../shared/unit-of-work';
import type { Appointment, AppointmentFilter } from '../domain/appointment';
import type { Service } from '../domain/catalog';
import type { WeeklyInterval } from '../domain/weekly-hours';
import { SchedulingNotFoundError } from '../domain/scheduling.errors';
import { AppointmentStore } from '../ports/appointment-store.port';
import { BookAppointmentUseCase, type BookRequest } from './book-appointment.use-case';
import { ChangeAppointmentUseCase, type RescheduleOptions } from './change-appointment.use-case';
import { FindFreeSlotsUseCase, type FreeSlotQuery, type OfferableSlot } from './find-free-slots.use-case';
import { HoldSlotUseCase, type HoldRequest } from './hold-slot.use-case';
import { SchedulingCatalog } from './scheduling-catalog';

/**
 * What other modules (the booking dialog, notifications) may ask of scheduling.
 *
 * Transactions: every write joins the caller's UnitOfWork.run when there is one. So a caller that books and, in
 * the same run, schedules reminders or writes outbox rows gets all of it committed or none of it: book, cancel
 * and reschedule return the appointment (with service and staff names) for exactly that. A SlotTakenError
 * leaves the caller's transaction usable (the write ran under a savepoint), so it can offer other times.
 *
 * Errors (DomainError, mapped to HTTP by code): SlotTakenError 409 (booked or held by another conversation),
 * SlotUnavailableError 409 (outside working hours, on a break or a day off), SchedulingNotFoundError 404,
 * SchedulingInvalidError 400 (in the past, staff does not do the service), SchedulingConflictError 409.
 */
@Injectable()
export class SchedulingFacade {
  constructor(
    private readonly freeSlots: FindFreeSlotsUseCase,
    private readonly holds: HoldSlotUseCase,
    private readonly booking: BookAppointmentUseCase,
    private readonly changes: ChangeAppointmentUseCase,
    private readonly catalog: SchedulingCatalog,
    private readonly appointments: AppointmentStore,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * Free slots that start in [from, to), soonest first, at least BOOKING_MIN_LEAD_MINUTES from now, on the
   * SLOT_STEP_MINUTES grid. Without staffId each time appears once (spread across the staff); pass the
   * conversationId so the conversation's own holds do not hide slots from it.
   */
  findFreeSlots(query: FreeSlotQuery): Promise<OfferableSlot[]> {
    return this.freeSlots.execute(query);
  }

  /** Holds the slot for the conversation for ttlSeconds (SLOT_HOLD_SECONDS); returns the hold id. */
  async holdSlot(request: HoldRequest): Promise<string> {
    return (await this.holds.execute(request)).id;
  }

  /** Lets go of every slot the conversation holds (the client declined the offer); returns how many. */
  releaseHolds(conversationId: string): Promise<number> {
    return this.uow.run(() => this.appointments.releaseHolds(conversationId));
  }

  /** Books the slot; the conversation's holds are released. SlotTakenError when someone else has the time. */
  book(request: BookRequest): Promise<Appointment> {
    return this.booking.execute(request);
  }

  /** Idempotent. Returns the cancelled appointment (reminders of it should be cancelled by the caller). */
  cancel(appointmentId: string): Promise<Appointment> {
    return this.changes.cancel(appointmentId);
  }

  /**
   * Moves the appointment to the new start, atomically: SlotTakenError and the appointment stays as it was. Pass
   * the offered slot's staffId (a free slot may belong to another staff member) and holdId.
   */
  reschedule(appointmentId: string, startsAt: Date, options: RescheduleOptions = {}): Promise<Appointment> {
    return this.changes.reschedule(appointmentId, startsAt, options);
  }

  /** The contact's booked appointments that have not started yet, soonest first. */
  upcomingFor(contactId: string): Promise<Appointment[]> {
    return this.appointments.upcomingFor(contactId);
  }

  async getAppointment(appointmentId: string): Promise<Appointment> {
    const appointment = await this.appointments.find(appointmentId);
    if (!appointment) throw new SchedulingNotFoundError('appointment', appointmentId);
    return appointment;
  }

  listAppointments(filter: AppointmentFilter, limit: number, offset: number) {
    return this.appointments.list(filter, limit, offset);
  }

  /** Active services by name. */
  listServices(): Promise<Service[]> {
    return this.catalog.listServices();
  }

  /**
   * The active service a Russian phrase names ("маникюра", "к терапевту"), or null. When the phrase fits several
   * ("стрижка" → женская, мужская) the first by name comes back; use matchServices to ask the client which.
   */
  async findServiceByName(text: string): Promise<Service | null> {
    const [best] = await this.catalog.matchServices(text);
    return best ?? null;
  }

  matchServices(text: string): Promise<Service[]> {
    return this.catalog.matchServices(text);
  }

  /** Per active service, the weekly hours of the active staff who do it (what a client can book at all). */
  async serviceHours(): Promise<Record<string, WeeklyInterval[]>> {
    const staff = (await this.catalog.listStaff()).filter((s) => s.active);
    const hours: Record<string, WeeklyInterval[]> = {};
    for (const person of staff) {
      for (const serviceId of person.serviceIds) (hours[serviceId] ??= []).push(...person.hours);
    }
    return hours;
  }
}
