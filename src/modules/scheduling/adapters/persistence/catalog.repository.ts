import { Injectable } from '@nestjs/common';
import { SettingsCache } from '../../../../database/settings-cache';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { NewService, NewStaff, Service, Staff } from '../../domain/catalog';
import { SchedulingConflictError } from '../../domain/scheduling.errors';
import type { WeeklyInterval } from '../../domain/weekly-hours';
import type { CatalogStore } from '../../ports/catalog-store.port';
import { isUniqueViolation } from './pg-errors';

interface ServiceRow {
  id: string;
  name: string;
  duration_minutes: number;
  price_rub: number | null;
  active: boolean;
}

interface StaffRow {
  id: string;
  name: string;
  active: boolean;
  service_ids: string[];
  hours: WeeklyInterval[];
  breaks: WeeklyInterval[];
  days_off: string[];
}

const toService = (row: ServiceRow): Service => ({
  id: row.id,
  name: row.name,
  durationMinutes: row.duration_minutes,
  priceRub: row.price_rub,
  active: row.active,
});

const toStaff = (row: StaffRow): Staff => ({
  id: row.id,
  name: row.name,
  active: row.active,
  serviceIds: row.service_ids,
  hours: row.hours,
  breaks: row.breaks,
  daysOff: row.days_off,
});

const intervalsOf = (table: string) => `
  COALESCE((SELECT jsonb_agg(jsonb_build_object('weekday', t.weekday, 'start', to_char(t.start_time, 'HH24:MI'),
      'end', CASE WHEN t.end_time = '24:00'::time THEN '24:00' ELSE to_char(t.end_time, 'HH24:MI') END)
    ORDER BY t.weekday, t.start_time) FROM ${table} t WHERE t.staff_id = st.id), '[]'::jsonb)`;

/** Days off from today on: past ones no longer matter to anyone. */
const STAFF_SELECT = `
  SELECT st.id, st.name, st.active,
    COALESCE((SELECT array_agg(ss.service_id ORDER BY ss.service_id) FROM staff_services ss
      WHERE ss.staff_id = st.id), '{}') AS service_ids,
    ${intervalsOf('staff_hours')} AS hours,
    ${intervalsOf('staff_breaks')} AS breaks,
    COALESCE((SELECT array_agg(d.day::text ORDER BY d.day) FROM staff_days_off d
      WHERE d.staff_id = st.id AND d.day >= (now() AT TIME ZONE $1)::date), '{}') AS days_off
  FROM staff st`;

/** CatalogStore in Postgres; the lists are cached (SettingsCache), and every write marks the cache changed. */
@Injectable()
export class CatalogRepository implements CatalogStore {
  constructor(
    private readonly uow: TypeOrmUnitOfWork,
    private readonly cache: SettingsCache,
  ) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  async lockSeeding(): Promise<void> {
    await this.query("SELECT pg_advisory_xact_lock(hashtextextended('scheduling.seed', 0))");
  }

  async countServices(): Promise<number> {
    const [row] = await this.query<Array<{ count: string }>>('SELECT count(*) FROM services');
    return Number(row.count);
  }

  listServices(includeInactive: boolean): Promise<Service[]> {
    return this.cache.get(`services:${includeInactive}`, async () => {
      const rows = await this.query<ServiceRow[]>(
        `SELECT * FROM services ${includeInactive ? '' : 'WHERE active'} ORDER BY name`,
      );
      return rows.map(toService);
    });
  }

  async findService(id: string): Promise<Service | null> {
    const rows = await this.query<ServiceRow[]>('SELECT * FROM services WHERE id = $1', [id]);
    return rows[0] ? toService(rows[0]) : null;
  }

  async insertService(service: NewService): Promise<Service> {
    this.cache.changed();
    const rows = await this.uniqueName(() =>
      this.query<ServiceRow[]>(
        `INSERT INTO services (name, duration_minutes, price_rub, active) VALUES ($1, $2, $3, $4) RETURNING *`,
        [service.name, service.durationMinutes, service.priceRub, service.active],
      ),
    );
    return toService(rows[0]);
  }

  async updateService(service: Service): Promise<Service> {
    this.cache.changed();
    const rows = await this.uniqueName(() =>
      this.query<ServiceRow[]>(
        `WITH u AS (
           UPDATE services SET name = $2, duration_minutes = $3, price_rub = $4, active = $5, updated_at = now()
           WHERE id = $1 RETURNING *)
         SELECT * FROM u`,
        [service.id, service.name, service.durationMinutes, service.priceRub, service.active],
      ),
    );
    return toService(rows[0]);
  }

  listStaff(zone: string): Promise<Staff[]> {
    return this.cache.get(`staff:${zone}`, async () => {
      const rows = await this.query<StaffRow[]>(`${STAFF_SELECT} ORDER BY st.created_at, st.name`, [zone]);
      return rows.map(toStaff);
    });
  }

  async findStaff(id: string, zone: string): Promise<Staff | null> {
    const rows = await this.query<StaffRow[]>(`${STAFF_SELECT} WHERE st.id = $2`, [zone, id]);
    return rows[0] ? toStaff(rows[0]) : null;
  }

  async staffForService(serviceId: string, zone: string): Promise<Staff[]> {
    const rows = await this.query<StaffRow[]>(
      `${STAFF_SELECT}
       WHERE st.active AND EXISTS (SELECT 1 FROM staff_services ss WHERE ss.staff_id = st.id AND ss.service_id = $2)
       ORDER BY st.created_at, st.name`,
      [zone, serviceId],
    );
    return rows.map(toStaff);
  }

  async unknownServiceIds(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.query<Array<{ id: string }>>(
      'SELECT u.id FROM unnest($1::uuid[]) AS u(id) WHERE NOT EXISTS (SELECT 1 FROM services s WHERE s.id = u.id)',
      [ids],
    );
    return rows.map((row) => row.id);
  }

  async insertStaff(staff: NewStaff): Promise<string> {
    this.cache.changed();
    const [row] = await this.query<Array<{ id: string }>>(
      'INSERT INTO staff (name, active) VALUES ($1, $2) RETURNING id',
      [staff.name, staff.active],
    );
    await this.writeSchedule(row.id, staff);
    return row.id;
  }

  async replaceStaff(id: string, staff: NewStaff): Promise<boolean> {
    this.cache.changed();
    const rows = await this.query<Array<{ id: string }>>(
      'WITH u AS (UPDATE staff SET name = $2, active = $3, updated_at = now() WHERE id = $1 RETURNING id) SELECT id FROM u',
      [id, staff.name, staff.active],
    );
    if (rows.length === 0) return false;
    for (const table of ['staff_services', 'staff_hours', 'staff_breaks', 'staff_days_off']) {
      await this.query(`DELETE FROM ${table} WHERE staff_id = $1`, [id]);
    }
    await this.writeSchedule(id, staff);
    return true;
  }

  private async writeSchedule(staffId: string, staff: NewStaff): Promise<void> {
    await this.query(
      'INSERT INTO staff_services (staff_id, service_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING',
      [staffId, staff.serviceIds],
    );
    for (const [table, intervals] of [
      ['staff_hours', staff.hours],
      ['staff_breaks', staff.breaks],
    ] as const) {
      if (intervals.length === 0) continue;
      await this.query(
        `INSERT INTO ${table} (staff_id, weekday, start_time, end_time)
         SELECT $1, (i->>'weekday')::smallint, (i->>'start')::time, (i->>'end')::time
         FROM jsonb_array_elements($2::jsonb) AS i`,
        [staffId, JSON.stringify(intervals)],
      );
    }
    await this.query(
      'INSERT INTO staff_days_off (staff_id, day) SELECT $1, unnest($2::date[]) ON CONFLICT DO NOTHING',
      [staffId, staff.daysOff],
    );
  }

  private async uniqueName<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw new SchedulingConflictError('a service with this name already exists');
      throw error;
    }
  }
}
