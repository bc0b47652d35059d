import { Processor } from '@nestjs/bullmq';
import { OutboxProcessor, type OutboxPayloads } from '../../../outbox';
import { SendReminderUseCase } from '../../application/send-reminder.use-case';

@Processor('reminder.send', { autorun: false })
export class ReminderSendProcessor extends OutboxProcessor<OutboxPayloads['reminder.send']> {
  constructor(private readonly sendReminder: SendReminderUseCase) {
    super();
  }

  handle(payload: OutboxPayloads['reminder.send']): Promise<void> {
    return this.sendReminder.execute(payload.reminderId);
  }
}
