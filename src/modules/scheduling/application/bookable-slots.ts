import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import type { Service, Staff } from '../domain/catalog';
import { withinWorkingHours } from '../domain/free-slots';
import { SchedulingInvalidError, SchedulingNotFoundError, SlotUnavailableError } from '../domain/scheduling.errors';
import { addMinutes, type TimeRange } from '../domain/time-range';
import { CatalogStore } from '../ports/catalog-store.port';

export interface CheckedSlot {
  service: Service;
  staff: Staff;
  range: TimeRange;
}

/**
 * The rules every hold, booking and move obeys before it touches anyone's time: the service and the staff member
 * exist and are active, the staff member does the service, the time is in the future and inside their working
 * hours (not on a break or a day off). Whether the time is free is checked under the staff lock afterwards.
 */
@Injectable()
export class BookableSlots {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly env: EnvironmentVariables,
  ) {}

  async check(serviceId: string, staffId: string, startsAt: Date, durationMinutes?: number): Promise<CheckedSlot> {
    if (Number.isNaN(startsAt.getTime())) throw new SchedulingInvalidError('startsAt is not a valid time');
    const service = await this.catalog.findService(serviceId);
    if (!service) throw new SchedulingNotFoundError('service', serviceId);
    if (!service.active) throw new SchedulingInvalidError(`service "${service.name}" is not offered any more`);
    const staff = await this.catalog.findStaff(staffId, this.env.TZ_BUSINESS);
    if (!staff) throw new SchedulingNotFoundError('staff', staffId);
    if (!staff.active) throw new SchedulingInvalidError(`${staff.name} does not take appointments any more`);
    if (!staff.serviceIds.includes(service.id)) {
      throw new SchedulingInvalidError(`${staff.name} does not do "${service.name}"`);
    }
    if (startsAt.getTime() <= Date.now()) throw new SchedulingInvalidError('this time is in the past');
    const range = { start: startsAt, end: addMinutes(startsAt, durationMinutes ?? service.durationMinutes) };
    if (!withinWorkingHours(staff, range, this.env.TZ_BUSINESS)) {
      throw new SlotUnavailableError(`${staff.name} does not work at this time (hours, break or day off)`, {
        staffId,
      });
    }
    return { service, staff, range };
  }
}
