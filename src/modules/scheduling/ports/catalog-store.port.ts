import type { NewService, NewStaff, Service, Staff } from '../domain/catalog';

/**
 * Services and staff with their weekly hours. Joins the caller's transaction when there is one. Writing a service
 * under a name another service has throws SchedulingConflictError.
 */
export abstract class CatalogStore {
  /** Until the transaction ends: an api and a worker starting together must not both seed the preset. */
  abstract lockSeeding(): Promise<void>;

  abstract countServices(): Promise<number>;

  /** By name. */
  abstract listServices(includeInactive: boolean): Promise<Service[]>;

  abstract findService(id: string): Promise<Service | null>;

  abstract insertService(service: NewService): Promise<Service>;

  abstract updateService(service: Service): Promise<Service>;

  /** In the order they were added. `zone` decides which day is "today" for the days off listed (from today on). */
  abstract listStaff(zone: string): Promise<Staff[]>;

  abstract findStaff(id: string, zone: string): Promise<Staff | null>;

  /** Active staff who do the service, in the order they were added. */
  abstract staffForService(serviceId: string, zone: string): Promise<Staff[]>;

  /** Of the ids given, those that name no service. */
  abstract unknownServiceIds(ids: string[]): Promise<string[]>;

  /** Stores the staff member with services, hours, breaks and days off; returns the id. */
  abstract insertStaff(staff: NewStaff): Promise<string>;

  /** Replaces name, services, hours, breaks and days off. False when there is no such staff member. */
  abstract replaceStaff(id: string, staff: NewStaff): Promise<boolean>;
}
