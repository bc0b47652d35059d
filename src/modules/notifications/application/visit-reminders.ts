import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { OutboxWriter } from '../../outbox';
import type { ReminderRow } from '../domain/reminder';
import { planReminders } from '../domain/reminder-schedule';
import { ReminderStore } from '../ports/reminder-store.port';

export interface Visit {
  appointmentId: string;
  startsAt: Date;
  serviceName: string;
  /** Where the client booked: the reminder goes to the same conversation. */
  conversationId: string;
  channel: string;
}

/**
 * Reminders of a booked visit, 24 h and 1 h before it, outside quiet hours. Call inside the transaction that
 * books, moves or cancels the appointment, so the reminders change with it or not at all. Each reminder is a row
 * plus a delayed outbox job; if Redis loses the job, the outbox relay publishes it again.
 */
@Injectable()
export class VisitReminders {
  constructor(
    private readonly reminders: ReminderStore,
    private readonly outbox: OutboxWriter,
    private readonly env: EnvironmentVariables,
  ) {}

  /** Plans the visit's reminders, replacing any it had (a rescheduled visit). */
  async schedule(visit: Visit, now = new Date()): Promise<ReminderRow[]> {
    await this.reminders.cancelScheduled(visit.appointmentId);
    const quiet = { start: this.env.QUIET_HOURS_START, end: this.env.QUIET_HOURS_END };
    for (const planned of planReminders(visit.startsAt, now, this.env.TZ_BUSINESS, quiet)) {
      const reminderId = await this.reminders.insert({
        appointmentId: visit.appointmentId,
        conversationId: visit.conversationId,
        channel: visit.channel,
        kind: planned.kind,
        visitStartsAt: visit.startsAt,
        serviceName: visit.serviceName,
        sendAt: planned.sendAt,
      });
      await this.outbox.add('reminder.send', { reminderId }, { notBefore: planned.sendAt });
    }
    return this.reminders
      .forAppointment(visit.appointmentId)
      .then((rows) => rows.filter((r) => r.status === 'scheduled'));
  }

  async cancel(appointmentId: string): Promise<void> {
    await this.reminders.cancelScheduled(appointmentId);
  }

  list(appointmentId: string): Promise<ReminderRow[]> {
    return this.reminders.forAppointment(appointmentId);
  }
}
