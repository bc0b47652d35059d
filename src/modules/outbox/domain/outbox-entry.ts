export type OutboxStatus = 'pending' | 'done' | 'dead';
/** exhausted: retries used up; blocked: the provider refused service for now; permanent: no retry can fix it. */
export type DeadLetterReason = 'exhausted' | 'blocked' | 'permanent';

export interface AttemptRecord {
  attempt: number;
  startedAt: string;
  failedAt?: string;
  error?: string;
}

export interface OutboxEntry<P = unknown> {
  id: string;
  topic: string;
  payload: P;
  status: OutboxStatus;
  attempts: number;
  attemptLog: AttemptRecord[];
  /** W3C trace headers of the work that wrote the row. */
  traceContext: Record<string, string>;
  nextAttemptAt: Date;
}

export interface OutboxContext {
  outboxId: string;
  /** 1 for the first try. */
  attempt: number;
  /** What `prepare` returned, when the handler has one. */
  prepared?: unknown;
}

export interface PrepareContext {
  outboxId: string;
  /** 1 for the first try; unknown when the job carried its payload, so that the row was not read. */
  attempt?: number;
}

/** What a topic's consumer implements. `handle` runs in the transaction that marks the row done. */
export interface OutboxHandler<P = unknown> {
  /**
   * Slow, read-only work (an LLM call) done before the transaction opens, so it holds no database connection
   * while it waits. It may run again on a retry; only `handle` changes anything.
   */
  prepare?(payload: P, context: PrepareContext): Promise<unknown>;
  handle(payload: P, context: OutboxContext): Promise<void>;
  onDeadLetter?(payload: P, failure: DeadLetterInfo): Promise<void>;
}

export interface DeadLetterInfo {
  reason: DeadLetterReason;
  lastError: string;
  attempts: number;
}
