export interface QueueJobs {
  /** Due and not done: waiting (also in a paused queue), prioritized, running. */
  ready: number;
  /** Held for later: retry back-offs, grouped alerts, reminders due hours or days ahead. */
  delayed: number;
}

/**
 * Job counts of every outbox queue, keyed by topic. Fails soon rather than waiting for the queues' store to come
 * back: a metrics scrape or a monitor check must not hang on it.
 */
export abstract class QueueBacklog {
  abstract read(): Promise<Record<string, QueueJobs>>;
}
