/** A webhook event as the intake stored it: the provider's payload, untouched. */
export interface StoredEvent {
  id: string;
  channel: string;
  payload: unknown;
  processedAt: Date | null;
}

/** The raw webhook events, stored once per provider key before the provider is answered. Joins the caller's transaction. */
export abstract class InboundEventStore {
  /**
   * One statement: the event and its processing outbox row, or nothing when the key is known (`followUpId` null).
   * `traceContext`: the caller's trace carrier, so processing continues the webhook's trace.
   */
  abstract accept(
    channel: string,
    eventKey: string,
    payload: unknown,
    traceContext: Record<string, string>,
  ): Promise<{ eventId: string; followUpId: string | null }>;

  abstract find(id: string): Promise<StoredEvent | null>;

  abstract markProcessed(id: string): Promise<void>;
}
