import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { UnitOfWork } from '../../../shared/unit-of-work';
import type { NewService, NewStaff, Service, Staff } from '../domain/catalog';
import { SchedulingInvalidError, SchedulingNotFoundError } from '../domain/scheduling.errors';
import { rankByName } from '../domain/service-name-match';
import { weeklyPatternProblems } from '../domain/weekly-hours';
import { CatalogStore } from '../ports/catalog-store.port';

/** Services and staff: what the admin API edits and what the bot looks services up in. */
@Injectable()
export class SchedulingCatalog {
  constructor(
    private readonly repository: CatalogStore,
    private readonly uow: UnitOfWork,
    private readonly env: EnvironmentVariables,
  ) {}

  listServices(options: { includeInactive?: boolean } = {}): Promise<Service[]> {
    return this.repository.listServices(options.includeInactive ?? false);
  }

  async getService(id: string): Promise<Service> {
    const service = await this.repository.findService(id);
    if (!service) throw new SchedulingNotFoundError('service', id);
    return service;
  }

  /** Active services the phrase may name, best match first (several when it is ambiguous: "стрижка"). */
  async matchServices(text: string): Promise<Service[]> {
    return rankByName(await this.repository.listServices(false), text);
  }

  createService(service: NewService): Promise<Service> {
    return this.repository.insertService({ ...service, name: service.name.trim() });
  }

  /** Changes the fields given; an absent (undefined) field keeps its value, `priceRub: null` clears the price. */
  async updateService(id: string, changes: Partial<NewService>): Promise<Service> {
    return this.uow.run(async () => {
      const current = await this.getService(id);
      const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      const name = changes.name?.trim() ?? current.name;
      return this.repository.updateService({ ...current, ...given, name, id });
    });
  }

  listStaff(): Promise<Staff[]> {
    return this.repository.listStaff(this.env.TZ_BUSINESS);
  }

  async getStaff(id: string): Promise<Staff> {
    const staff = await this.repository.findStaff(id, this.env.TZ_BUSINESS);
    if (!staff) throw new SchedulingNotFoundError('staff', id);
    return staff;
  }

  createStaff(staff: NewStaff): Promise<Staff> {
    return this.uow.run(async () => {
      await this.validate(staff);
      const id = await this.repository.insertStaff({ ...staff, name: staff.name.trim() });
      return this.getStaff(id);
    });
  }

  /** Replaces the staff member's name, services, hours, breaks and days off. Existing appointments stay. */
  replaceStaff(id: string, staff: NewStaff): Promise<Staff> {
    return this.uow.run(async () => {
      await this.validate(staff);
      const found = await this.repository.replaceStaff(id, { ...staff, name: staff.name.trim() });
      if (!found) throw new SchedulingNotFoundError('staff', id);
      return this.getStaff(id);
    });
  }

  private async validate(staff: NewStaff): Promise<void> {
    const problems = weeklyPatternProblems(staff);
    const unknown = await this.repository.unknownServiceIds([...new Set(staff.serviceIds)]);
    if (unknown.length > 0) problems.push(`unknown services: ${unknown.join(', ')}`);
    if (problems.length > 0) throw new SchedulingInvalidError(problems.join('; '), { problems });
  }
}
