export { SchedulingModule } from './scheduling.module';
export { SchedulingFacade } from './application/scheduling.facade';
export type { FreeSlotQuery, OfferableSlot } from './application/find-free-slots.use-case';
export type { HoldRequest } from './application/hold-slot.use-case';
export type { BookRequest } from './application/book-appointment.use-case';
export type { RescheduleOptions } from './application/change-appointment.use-case';
export { APPOINTMENT_STATUSES, type Appointment, type AppointmentStatus } from './domain/appointment';
export type { Service, Staff } from './domain/catalog';
export type { WeeklyInterval } from './domain/weekly-hours';
export {
  SchedulingConflictError,
  SchedulingInvalidError,
  SchedulingNotFoundError,
  SlotTakenError,
  SlotUnavailableError,
} from './domain/scheduling.errors';
export { parseWantedTime, readWantedTime, type WantedInterval, type WantedTimeReading } from './domain/wanted-time';
