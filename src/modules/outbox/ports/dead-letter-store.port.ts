import type { DeadLetter, DeadLetterFilter } from '../domain/dead-letter';

/** Dead letters: work that failed for good, kept for a person to replay or discard. */
export abstract class DeadLetterStore {
  abstract list(
    filter: DeadLetterFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: DeadLetter[]; total: number }>;

  /** Inside a transaction: the dead letter, locked against a concurrent replay or discard. */
  abstract lock(id: string): Promise<DeadLetter | null>;

  /** Inside a transaction: the open dead letters matching the filter, locked, oldest first. */
  abstract lockOpen(filter: DeadLetterFilter, limit: number): Promise<DeadLetter[]>;

  abstract markReplayed(id: string, replayOutboxId: string, actor: string): Promise<void>;

  /** Where the outbox row of a replay stands; null when there is no such row. */
  abstract outboxStatus(outboxId: string): Promise<'pending' | 'done' | 'dead' | null>;

  abstract markDiscarded(id: string, actor: string): Promise<void>;
}
