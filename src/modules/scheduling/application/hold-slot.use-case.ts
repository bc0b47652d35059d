import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { UnitOfWork } from '../../../shared/unit-of-work';
import type { SlotHold } from '../domain/appointment';
import { SlotTakenError } from '../domain/scheduling.errors';
import { AppointmentStore } from '../ports/appointment-store.port';
import { BookableSlots } from './bookable-slots';

export interface HoldRequest {
  staffId: string;
  serviceId: string;
  startsAt: Date;
  conversationId: string;
  /** SLOT_HOLD_SECONDS when absent. */
  ttlSeconds?: number;
}

/**
 * Keeps an offered slot for one conversation while the client answers: nobody else can hold or book an
 * overlapping time with that staff member until it expires. Holding the same time again renews the hold.
 */
@Injectable()
export class HoldSlotUseCase {
  constructor(
    private readonly slots: BookableSlots,
    private readonly appointments: AppointmentStore,
    private readonly uow: UnitOfWork,
    private readonly env: EnvironmentVariables,
  ) {}

  execute(request: HoldRequest): Promise<SlotHold> {
    const ttl = Math.max(1, Math.round(request.ttlSeconds ?? this.env.SLOT_HOLD_SECONDS));
    return this.uow.run(async () => {
      const { range } = await this.slots.check(request.serviceId, request.staffId, request.startsAt);
      await this.appointments.lockStaff(request.staffId);
      await this.appointments.deleteExpiredHolds(request.staffId);
      if (await this.appointments.bookedOverlapping(request.staffId, range)) throw new SlotTakenError('booked');
      const renewed = await this.appointments.renewHold(request.conversationId, request.staffId, range, ttl);
      if (renewed) return renewed;
      return this.appointments.insertHold({ ...request, range }, ttl);
    });
  }
}
