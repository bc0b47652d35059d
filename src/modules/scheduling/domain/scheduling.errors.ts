import { DomainError } from '../../../shared/domain-error';

/** Another booking or another client's hold already takes (part of) the time. */
export class SlotTakenError extends DomainError {
  readonly code = 'SCHEDULING.SLOT_TAKEN';
  constructor(reason: 'booked' | 'held' = 'booked') {
    super(
      reason === 'held'
        ? 'this time is held for another client right now; pick another time'
        : 'this time is already booked; pick another time',
      { reason },
    );
  }
}

/** The time is not bookable with this staff member at all: outside working hours, on a break or a day off. */
export class SlotUnavailableError extends DomainError {
  readonly code = 'SCHEDULING.SLOT_UNAVAILABLE';
}

export class SchedulingNotFoundError extends DomainError {
  readonly code = 'SCHEDULING.NOT_FOUND';
  constructor(what: 'service' | 'staff' | 'appointment' | 'hold', id: string) {
    super(`${what} ${id} does not exist`, { what, id });
  }
}

/** A request that can never succeed as asked (a time in the past, a staff member who does not do the service). */
export class SchedulingInvalidError extends DomainError {
  readonly code = 'SCHEDULING.INVALID';
}

/** The request clashes with the current state: a taken service name, changing an appointment that is over. */
export class SchedulingConflictError extends DomainError {
  readonly code = 'SCHEDULING.CONFLICT';
}
