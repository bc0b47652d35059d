import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { ReminderRow } from '../../domain/reminder';
import type { ReminderKind } from '../../domain/reminder-schedule';
import type { ReminderStore } from '../../ports/reminder-store.port';

interface Row {
  id: string;
  appointment_id: string;
  conversation_id: string;
  channel: string;
  kind: ReminderKind;
  visit_starts_at: Date;
  service_name: string;
  send_at: Date;
  status: ReminderRow['status'];
}

const toReminder = (row: Row): ReminderRow => ({
  id: row.id,
  appointmentId: row.appointment_id,
  conversationId: row.conversation_id,
  channel: row.channel,
  kind: row.kind,
  visitStartsAt: row.visit_starts_at,
  serviceName: row.service_name,
  sendAt: row.send_at,
  status: row.status,
});

@Injectable()
export class ReminderRepository implements ReminderStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  async insert(reminder: Omit<ReminderRow, 'id' | 'status'>): Promise<string> {
    const [row] = await this.query<Array<{ id: string }>>(
      `INSERT INTO reminders (appointment_id, conversation_id, channel, kind, visit_starts_at, service_name, send_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        reminder.appointmentId,
        reminder.conversationId,
        reminder.channel,
        reminder.kind,
        reminder.visitStartsAt,
        reminder.serviceName,
        reminder.sendAt,
      ],
    );
    return row.id;
  }

  async cancelScheduled(appointmentId: string): Promise<number> {
    const rows = await this.query<unknown[]>(
      `WITH cancelled AS (UPDATE reminders SET status = 'cancelled'
         WHERE appointment_id = $1 AND status = 'scheduled' RETURNING id)
       SELECT id FROM cancelled`,
      [appointmentId],
    );
    return rows.length;
  }

  async lockScheduled(id: string): Promise<ReminderRow | null> {
    const rows = await this.query<Row[]>(`SELECT * FROM reminders WHERE id = $1 AND status = 'scheduled' FOR UPDATE`, [
      id,
    ]);
    return rows[0] ? toReminder(rows[0]) : null;
  }

  async markSent(id: string): Promise<void> {
    await this.query(`UPDATE reminders SET status = 'sent', sent_at = now() WHERE id = $1`, [id]);
  }

  async forAppointment(appointmentId: string): Promise<ReminderRow[]> {
    const rows = await this.query<Row[]>(`SELECT * FROM reminders WHERE appointment_id = $1 ORDER BY send_at, id`, [
      appointmentId,
    ]);
    return rows.map(toReminder);
  }
}
