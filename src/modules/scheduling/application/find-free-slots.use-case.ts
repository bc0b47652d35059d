import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { findFreeSlots, type StaffAvailability } from '../domain/free-slots';
import { SchedulingInvalidError, SchedulingNotFoundError } from '../domain/scheduling.errors';
import { addMinutes } from '../domain/time-range';
import { AppointmentStore } from '../ports/appointment-store.port';
import { CatalogStore } from '../ports/catalog-store.port';

/** The longest wanted interval searched at once: bounds the work of one search. */
export const MAX_SEARCH_DAYS = 62;
export const MAX_SLOTS = 200;

export interface FreeSlotQuery {
  serviceId: string;
  /** Only this staff member; all who do the service when absent. */
  staffId?: string;
  /** Slots that start in [from, to). */
  from: Date;
  to: Date;
  /** 10 when absent, at most 200. */
  limit?: number;
  /** Holds of this conversation do not hide slots from it. */
  conversationId?: string;
  /** One slot per start time, spread across the staff; by default true when no staffId is given. */
  distinctTimes?: boolean;
}

export interface OfferableSlot {
  staffId: string;
  staffName: string;
  startsAt: Date;
  endsAt: Date;
}

@Injectable()
export class FindFreeSlotsUseCase {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly appointments: AppointmentStore,
    private readonly env: EnvironmentVariables,
  ) {}

  async execute(query: FreeSlotQuery): Promise<OfferableSlot[]> {
    const { from, to } = query;
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
      throw new SchedulingInvalidError('from must be a time before to');
    }
    if (to.getTime() - from.getTime() > MAX_SEARCH_DAYS * 86_400_000) {
      throw new SchedulingInvalidError(`search at most ${MAX_SEARCH_DAYS} days at once`);
    }
    const service = await this.catalog.findService(query.serviceId);
    if (!service) throw new SchedulingNotFoundError('service', query.serviceId);
    if (!service.active) return [];

    let staff = await this.catalog.staffForService(service.id, this.env.TZ_BUSINESS);
    if (query.staffId) {
      staff = staff.filter((member) => member.id === query.staffId);
      if (staff.length === 0) await this.explainMissingStaff(query.staffId, service.name);
    }
    if (staff.length === 0) return [];

    const earliestStart = addMinutes(new Date(), this.env.BOOKING_MIN_LEAD_MINUTES);
    const windowStart = new Date(Math.max(from.getTime(), earliestStart.getTime()));
    const busy = await this.appointments.busy(
      staff.map((member) => member.id),
      { start: windowStart, end: addMinutes(to, service.durationMinutes) },
      { ownConversationId: query.conversationId },
    );
    const availability: StaffAvailability[] = staff.map((member) => ({
      ...member,
      staffId: member.id,
      busy: busy.get(member.id) ?? [],
    }));
    const slots = findFreeSlots(availability, {
      durationMinutes: service.durationMinutes,
      stepMinutes: this.env.SLOT_STEP_MINUTES,
      from,
      to,
      earliestStart,
      zone: this.env.TZ_BUSINESS,
      limit: Math.min(Math.max(query.limit ?? 10, 1), MAX_SLOTS),
      distinctTimes: query.distinctTimes ?? query.staffId === undefined,
    });
    const names = new Map(staff.map((member) => [member.id, member.name]));
    return slots.map((slot) => ({
      staffId: slot.staffId,
      staffName: names.get(slot.staffId) ?? '',
      startsAt: slot.start,
      endsAt: slot.end,
    }));
  }

  private async explainMissingStaff(staffId: string, serviceName: string): Promise<void> {
    const member = await this.catalog.findStaff(staffId, this.env.TZ_BUSINESS);
    if (!member) throw new SchedulingNotFoundError('staff', staffId);
    if (member.active) throw new SchedulingInvalidError(`${member.name} does not do "${serviceName}"`);
  }
}
