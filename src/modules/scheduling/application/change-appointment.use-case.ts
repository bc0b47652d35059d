import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../shared/unit-of-work';
import type { Appointment } from '../domain/appointment';
import { SchedulingConflictError, SchedulingNotFoundError, SlotTakenError } from '../domain/scheduling.errors';
import { AppointmentStore } from '../ports/appointment-store.port';
import { BookableSlots } from './bookable-slots';

export interface RescheduleOptions {
  /** Move to this staff member (who must do the service); the same one when absent. */
  staffId?: string;
  /** The hold placed when the new time was offered: lets its conversation move into it. */
  holdId?: string;
}

/** Cancels and moves booked appointments. */
@Injectable()
export class ChangeAppointmentUseCase {
  constructor(
    private readonly slots: BookableSlots,
    private readonly appointments: AppointmentStore,
    private readonly uow: UnitOfWork,
  ) {}

  /** Idempotent: cancelling a cancelled appointment returns it unchanged. */
  cancel(appointmentId: string): Promise<Appointment> {
    return this.uow.run(async () => {
      const appointment = await this.appointments.find(appointmentId, { lock: true });
      if (!appointment) throw new SchedulingNotFoundError('appointment', appointmentId);
      if (appointment.status === 'cancelled') return appointment;
      if (appointment.status !== 'booked') {
        throw new SchedulingConflictError(`the appointment is ${appointment.status} and cannot be cancelled`);
      }
      return this.appointments.setStatus(appointmentId, 'cancelled');
    });
  }

  /**
   * Moves a booked appointment to a new start (keeping its length) atomically: when the new time is taken the
   * appointment stays where it was and SlotTakenError is thrown.
   */
  reschedule(appointmentId: string, startsAt: Date, options: RescheduleOptions = {}): Promise<Appointment> {
    return this.uow.run(async () => {
      const current = await this.appointments.find(appointmentId, { lock: true });
      if (!current) throw new SchedulingNotFoundError('appointment', appointmentId);
      if (current.status !== 'booked') {
        throw new SchedulingConflictError(`the appointment is ${current.status} and cannot be moved`);
      }
      const staffId = options.staffId ?? current.staffId;
      const minutes = (current.endsAt.getTime() - current.startsAt.getTime()) / 60_000;
      const { range } = await this.slots.check(current.serviceId, staffId, startsAt, minutes);
      const hold = options.holdId ? await this.appointments.findHold(options.holdId) : null;
      const own = [current.conversationId, hold?.conversationId].filter((id): id is string => Boolean(id));
      await this.appointments.lockStaff(staffId);
      if (await this.appointments.heldByOthers(staffId, range, own)) throw new SlotTakenError('held');
      const moved = await this.appointments.move(appointmentId, staffId, range);
      for (const conversationId of new Set(own)) await this.appointments.releaseHolds(conversationId);
      return moved;
    });
  }
}
