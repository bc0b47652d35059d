/**
 * The operational read model: what the outbox and its dead letters say right now, the same for every process
 * (api or worker, however many). A report, never a write.
 */
export abstract class OpsFacts {
  /** Dead letters nobody has replayed or discarded yet. */
  abstract openDeadLetters(): Promise<number>;

  /** Dead letters added within the last `minutes`. */
  abstract deadLettersSince(minutes: number): Promise<number>;

  /** Seconds since the oldest unfinished outbox row became due (0 when none is due). */
  abstract outboxLagSeconds(): Promise<number>;

  /**
   * CRM deliveries the redrive is holding back: crm.sync dead letters of an outage or a block (the ones it
   * replays by itself) that are still open, or replayed with the replay not finished yet (its probe, then the
   * batch it releases once the CRM answers). A replay that dies again is counted through its own new dead letter.
   */
  abstract crmDeliveriesWaiting(): Promise<number>;
}
