import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../shared/unit-of-work';
import type { Appointment } from '../domain/appointment';
import { SchedulingInvalidError, SlotTakenError } from '../domain/scheduling.errors';
import { AppointmentStore } from '../ports/appointment-store.port';
import { BookableSlots } from './bookable-slots';

export interface BookRequest {
  serviceId: string;
  staffId: string;
  startsAt: Date;
  contactId?: string | null;
  conversationId?: string | null;
  leadId?: string | null;
  /** The hold placed when the slot was offered: lets its conversation book through it. */
  holdId?: string | null;
  /** Free text for the staff (an admin booking a caller: "Ирина, просила мастера Анну"). */
  note?: string | null;
}

/**
 * Books a slot. The staff lock makes the check against other conversations' holds race-free; the exclusion
 * constraint turns a concurrent overlapping booking into SlotTakenError. Booking releases the conversation's
 * other holds (the slots offered with this one).
 */
@Injectable()
export class BookAppointmentUseCase {
  constructor(
    private readonly slots: BookableSlots,
    private readonly appointments: AppointmentStore,
    private readonly uow: UnitOfWork,
  ) {}

  execute(request: BookRequest): Promise<Appointment> {
    return this.uow.run(async () => {
      const hold = request.holdId ? await this.appointments.findHold(request.holdId) : null;
      if (hold && request.conversationId && hold.conversationId !== request.conversationId) {
        throw new SchedulingInvalidError('the hold belongs to another conversation');
      }
      // A hold that is gone (expired and cleaned up) is no error: the time may well still be free.
      const conversationId = request.conversationId ?? hold?.conversationId ?? null;
      const { range } = await this.slots.check(request.serviceId, request.staffId, request.startsAt);
      await this.appointments.lockStaff(request.staffId);
      if (await this.appointments.heldByOthers(request.staffId, range, conversationId ? [conversationId] : [])) {
        throw new SlotTakenError('held');
      }
      const appointment = await this.appointments.insert({
        serviceId: request.serviceId,
        staffId: request.staffId,
        range,
        contactId: request.contactId ?? null,
        conversationId,
        leadId: request.leadId ?? null,
        note: request.note ?? null,
      });
      if (conversationId) await this.appointments.releaseHolds(conversationId);
      return appointment;
    });
  }
}
