export interface SmsMessage {
  /** E.164. */
  to: string;
  text: string;
  /**
   * Stable across retries of one logical SMS (the outbox id). Neither gateway dedupes by it, so an adapter
   * uses it to look up or mark what it already sent where the gateway allows.
   */
  idempotencyKey: string;
}

export interface SentSms {
  provider: string;
  providerMessageId: string;
}

/**
 * Sends one SMS through the configured gateway. Throws TransientError (network, 5xx, the gateway's "try later"
 * codes) or PermanentError (bad number, no money, a duplicate text the gateway refuses, bad credentials).
 */
export abstract class SmsSender {
  /** `none` when no gateway is configured: `send` then throws PermanentError. */
  abstract readonly provider: string;
  abstract send(sms: SmsMessage): Promise<SentSms>;
}
