import type { AttemptRecord, DeadLetterReason } from './outbox-entry';

export type DeadLetterState = 'open' | 'replayed' | 'discarded';

export interface DeadLetter {
  id: string;
  outboxId: string;
  topic: string;
  payload: unknown;
  reason: DeadLetterReason;
  lastError: string;
  attempts: number;
  attemptLog: AttemptRecord[];
  createdAt: Date;
  state: DeadLetterState;
  replayedAt: Date | null;
  replayOutboxId: string | null;
  replayedBy: string | null;
  discardedAt: Date | null;
  discardedBy: string | null;
}

export interface DeadLetterFilter {
  topic?: string;
  reason?: DeadLetterReason | DeadLetterReason[];
  state?: DeadLetterState;
  from?: Date;
  to?: Date;
}
