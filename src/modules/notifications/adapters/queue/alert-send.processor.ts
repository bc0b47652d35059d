import { Processor } from '@nestjs/bullmq';
import { OutboxProcessor, type OutboxPayloads } from '../../../outbox';
import { SendManagerAlertUseCase } from '../../application/send-manager-alert.use-case';

@Processor('alert.send', { autorun: false })
export class AlertSendProcessor extends OutboxProcessor<OutboxPayloads['alert.send']> {
  constructor(private readonly sendAlert: SendManagerAlertUseCase) {
    super();
  }

  handle(payload: OutboxPayloads['alert.send']): Promise<void> {
    return this.sendAlert.execute(payload.alertId);
  }
}
