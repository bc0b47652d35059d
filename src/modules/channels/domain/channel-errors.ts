import { PermanentError } from '../../../shared/domain-error';

/** The client cannot receive messages in this channel (blocked the bot, closed their messages): stop trying there. */
export class RecipientUnreachableError extends PermanentError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'RecipientUnreachableError';
  }
}

/**
 * WhatsApp and Instagram allow free-form messages only within 24 hours of the client's last message; outside it
 * the reply goes by another way (SMS) instead of being silently dropped by the provider.
 */
export class OutsideServiceWindowError extends PermanentError {
  constructor(message: string) {
    super(message);
    this.name = 'OutsideServiceWindowError';
  }
}
