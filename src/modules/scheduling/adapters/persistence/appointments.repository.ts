import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type {
  Appointment,
  AppointmentFilter,
  AppointmentStatus,
  NewAppointment,
  SlotHold,
} from '../../domain/appointment';
import { SlotTakenError } from '../../domain/scheduling.errors';
import type { TimeRange } from '../../domain/time-range';
import type { AppointmentStore } from '../../ports/appointment-store.port';
import { isExclusionViolation } from './pg-errors';

interface AppointmentRow {
  id: string;
  service_id: string;
  service_name: string;
  staff_id: string;
  staff_name: string;
  contact_id: string | null;
  conversation_id: string | null;
  lead_id: string | null;
  starts_at: Date;
  ends_at: Date;
  status: AppointmentStatus;
  note: string | null;
  created_at: Date;
  updated_at: Date;
}

interface HoldRow {
  id: string;
  staff_id: string;
  service_id: string;
  conversation_id: string;
  starts_at: Date;
  ends_at: Date;
  expires_at: Date;
}

const toAppointment = (row: AppointmentRow): Appointment => ({
  id: row.id,
  serviceId: row.service_id,
  serviceName: row.service_name,
  staffId: row.staff_id,
  staffName: row.staff_name,
  contactId: row.contact_id,
  conversationId: row.conversation_id,
  leadId: row.lead_id,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  status: row.status,
  note: row.note,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toHold = (row: HoldRow): SlotHold => ({
  id: row.id,
  staffId: row.staff_id,
  serviceId: row.service_id,
  conversationId: row.conversation_id,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  expiresAt: row.expires_at,
});

/** Appointments with the names of their service and staff member; `a` is the appointments row set. */
const WITH_NAMES = `
  SELECT a.*, s.name AS service_name, st.name AS staff_name
  FROM a JOIN services s ON s.id = a.service_id JOIN staff st ON st.id = a.staff_id`;

/**
 * AppointmentStore in Postgres: `lockStaff` is a transaction-level advisory lock, since the check of holds against
 * bookings spans two tables; the exclusion constraints of both tables stay the last word on overlaps. Must run
 * inside a transaction (UnitOfWork.run) for the lock and the savepoints.
 */
@Injectable()
export class AppointmentsRepository implements AppointmentStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  async lockStaff(staffId: string): Promise<void> {
    await this.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`scheduling.staff:${staffId}`]);
  }

  async busy(
    staffIds: string[],
    window: TimeRange,
    options: { ownConversationId?: string; exceptAppointmentId?: string } = {},
  ): Promise<Map<string, TimeRange[]>> {
    const rows = await this.query<Array<{ staff_id: string; starts_at: Date; ends_at: Date }>>(
      `SELECT staff_id, starts_at, ends_at FROM appointments
       WHERE staff_id = ANY($1::uuid[]) AND status = 'booked' AND starts_at < $3 AND ends_at > $2
         AND id IS DISTINCT FROM $4::uuid
       UNION ALL
       SELECT staff_id, starts_at, ends_at FROM slot_holds
       WHERE staff_id = ANY($1::uuid[]) AND expires_at > now() AND starts_at < $3 AND ends_at > $2
         AND conversation_id IS DISTINCT FROM $5::uuid`,
      [staffIds, window.start, window.end, options.exceptAppointmentId ?? null, options.ownConversationId ?? null],
    );
    const byStaff = new Map<string, TimeRange[]>(staffIds.map((id) => [id, []]));
    for (const row of rows) byStaff.get(row.staff_id)?.push({ start: row.starts_at, end: row.ends_at });
    return byStaff;
  }

  async heldByOthers(staffId: string, range: TimeRange, allowedConversations: string[]): Promise<boolean> {
    const rows = await this.query<unknown[]>(
      `SELECT 1 FROM slot_holds
       WHERE staff_id = $1 AND expires_at > now() AND starts_at < $3 AND ends_at > $2
         AND NOT (conversation_id = ANY($4::uuid[]))
       LIMIT 1`,
      [staffId, range.start, range.end, allowedConversations],
    );
    return rows.length > 0;
  }

  async bookedOverlapping(staffId: string, range: TimeRange): Promise<boolean> {
    const rows = await this.query<unknown[]>(
      `SELECT 1 FROM appointments WHERE staff_id = $1 AND status = 'booked' AND starts_at < $3 AND ends_at > $2 LIMIT 1`,
      [staffId, range.start, range.end],
    );
    return rows.length > 0;
  }

  async insert(appointment: NewAppointment): Promise<Appointment> {
    const [row] = await this.refusingOverlap('booked', () =>
      this.query<AppointmentRow[]>(
        `WITH a AS (
           INSERT INTO appointments (service_id, staff_id, starts_at, ends_at, contact_id, conversation_id, lead_id, note)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *)
         ${WITH_NAMES}`,
        [
          appointment.serviceId,
          appointment.staffId,
          appointment.range.start,
          appointment.range.end,
          appointment.contactId,
          appointment.conversationId,
          appointment.leadId,
          appointment.note,
        ],
      ),
    );
    return toAppointment(row);
  }

  async find(id: string, options: { lock?: boolean } = {}): Promise<Appointment | null> {
    const rows = await this.query<AppointmentRow[]>(
      `WITH a AS (SELECT * FROM appointments WHERE id = $1 ${options.lock ? 'FOR UPDATE' : ''}) ${WITH_NAMES}`,
      [id],
    );
    return rows[0] ? toAppointment(rows[0]) : null;
  }

  async setStatus(id: string, status: AppointmentStatus): Promise<Appointment> {
    const [row] = await this.query<AppointmentRow[]>(
      `WITH a AS (UPDATE appointments SET status = $2, updated_at = now() WHERE id = $1 RETURNING *) ${WITH_NAMES}`,
      [id, status],
    );
    return toAppointment(row);
  }

  async move(id: string, staffId: string, range: TimeRange): Promise<Appointment> {
    const [row] = await this.refusingOverlap('booked', () =>
      this.query<AppointmentRow[]>(
        `WITH a AS (
           UPDATE appointments SET staff_id = $2, starts_at = $3, ends_at = $4, updated_at = now()
           WHERE id = $1 RETURNING *)
         ${WITH_NAMES}`,
        [id, staffId, range.start, range.end],
      ),
    );
    return toAppointment(row);
  }

  async upcomingFor(contactId: string): Promise<Appointment[]> {
    const rows = await this.query<AppointmentRow[]>(
      `WITH a AS (SELECT * FROM appointments WHERE contact_id = $1 AND status = 'booked' AND starts_at > now())
       ${WITH_NAMES} ORDER BY a.starts_at`,
      [contactId],
    );
    return rows.map(toAppointment);
  }

  async list(
    filter: AppointmentFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: Appointment[]; total: number }> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.from) add('ends_at > ?', filter.from);
    if (filter.to) add('starts_at < ?', filter.to);
    if (filter.staffId) add('staff_id = ?', filter.staffId);
    if (filter.contactId) add('contact_id = ?', filter.contactId);
    if (filter.status) add('status = ?', filter.status);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const [{ count }] = await this.query<Array<{ count: string }>>(
      `SELECT count(*) FROM appointments ${where}`,
      params,
    );
    const rows = await this.query<AppointmentRow[]>(
      `WITH a AS (SELECT * FROM appointments ${where}) ${WITH_NAMES}
       ORDER BY a.starts_at, a.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { items: rows.map(toAppointment), total: Number(count) };
  }

  async findHold(id: string): Promise<SlotHold | null> {
    const rows = await this.query<HoldRow[]>('SELECT * FROM slot_holds WHERE id = $1', [id]);
    return rows[0] ? toHold(rows[0]) : null;
  }

  async deleteExpiredHolds(staffId: string): Promise<void> {
    await this.query('DELETE FROM slot_holds WHERE staff_id = $1 AND expires_at <= now()', [staffId]);
  }

  async renewHold(
    conversationId: string,
    staffId: string,
    range: TimeRange,
    ttlSeconds: number,
  ): Promise<SlotHold | null> {
    const rows = await this.query<HoldRow[]>(
      `WITH u AS (
         UPDATE slot_holds SET expires_at = now() + make_interval(secs => $5)
         WHERE conversation_id = $1 AND staff_id = $2 AND starts_at = $3 AND ends_at = $4 AND expires_at > now()
         RETURNING *)
       SELECT * FROM u LIMIT 1`,
      [conversationId, staffId, range.start, range.end, ttlSeconds],
    );
    return rows[0] ? toHold(rows[0]) : null;
  }

  async insertHold(
    hold: { staffId: string; serviceId: string; conversationId: string; range: TimeRange },
    ttlSeconds: number,
  ): Promise<SlotHold> {
    const [row] = await this.refusingOverlap('held', () =>
      this.query<HoldRow[]>(
        `INSERT INTO slot_holds (staff_id, service_id, conversation_id, starts_at, ends_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) RETURNING *`,
        [hold.staffId, hold.serviceId, hold.conversationId, hold.range.start, hold.range.end, ttlSeconds],
      ),
    );
    return toHold(row);
  }

  async releaseHolds(conversationId: string): Promise<number> {
    const rows = await this.query<Array<{ id: string }>>(
      'WITH d AS (DELETE FROM slot_holds WHERE conversation_id = $1 RETURNING id) SELECT id FROM d',
      [conversationId],
    );
    return rows.length;
  }

  /**
   * Runs one write under a savepoint: an exclusion violation becomes SlotTakenError and leaves the caller's
   * transaction usable (the caller may catch it and offer other times in the same transaction).
   */
  private async refusingOverlap<T>(reason: 'booked' | 'held', write: () => Promise<T>): Promise<T> {
    await this.query('SAVEPOINT scheduling_write');
    try {
      const result = await write();
      await this.query('RELEASE SAVEPOINT scheduling_write');
      return result;
    } catch (error) {
      await this.query('ROLLBACK TO SAVEPOINT scheduling_write');
      if (isExclusionViolation(error)) throw new SlotTakenError(reason);
      throw error;
    }
  }
}
