import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { LeadsFacade, type Channel } from '../../leads';
import { OutboxWriter, replyTopic } from '../../outbox';
import { visitMomentRu } from '../domain/reminder-schedule';
import { ReminderStore } from '../ports/reminder-store.port';

/** What the client can answer a reminder with; the dialog understands these labels. */
export const REMINDER_BUTTONS = ['Подтверждаю', 'Перенести', 'Отменить'];

/**
 * Sends one due reminder into the client's conversation, as a bot message with the answer buttons; the channel
 * delivers it like any reply (and falls back to SMS when it cannot). A cancelled or already sent reminder is
 * skipped, so a job that runs twice, or after the visit moved, sends nothing.
 */
@Injectable()
export class SendReminderUseCase {
  constructor(
    private readonly reminders: ReminderStore,
    private readonly leads: LeadsFacade,
    private readonly outbox: OutboxWriter,
    private readonly env: EnvironmentVariables,
  ) {}

  async execute(reminderId: string): Promise<void> {
    const reminder = await this.reminders.lockScheduled(reminderId);
    if (!reminder) return;
    const moment = visitMomentRu(reminder.visitStartsAt, new Date(), this.env.TZ_BUSINESS);
    const text = `Напоминаем: ${moment} вас ждут — ${reminder.serviceName}. Всё в силе?`;
    const channel = reminder.channel as Channel;
    const send = replyTopic(channel);
    const reply = await this.leads.addOutbound(
      reminder.conversationId,
      channel,
      text,
      REMINDER_BUTTONS,
      this.outbox.followUp(send),
    );
    this.outbox.publishCommitted(reply.followUpId, send);
    await this.reminders.markSent(reminder.id);
  }
}
