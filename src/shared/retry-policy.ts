export interface RetryPolicyOptions {
  /** Retries after the first try; 3 means at most 4 tries. */
  retries: number;
  baseMs: number;
  factor: number;
  maxDelayMs: number;
  /** Up to this share of the delay is added at random, so retries of a burst do not arrive together. */
  jitterRatio: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  retries: 3,
  baseMs: 1000,
  factor: 4,
  maxDelayMs: 30000,
  jitterRatio: 0.2,
};

/** Exponential backoff with jitter and a cap: 1 s → 4 s → 16 s by default. */
export class RetryPolicy {
  constructor(
    readonly options: RetryPolicyOptions = DEFAULT_RETRY_POLICY,
    private readonly random: () => number = Math.random,
  ) {}

  get maxAttempts(): number {
    return this.options.retries + 1;
  }

  /**
   * Delay before the next try after `attempt` tries have failed (attempt counts from 1), or null when no try
   * is left. A provider's Retry-After wins over the schedule when it is longer, still within the cap.
   */
  delayAfter(attempt: number, retryAfterMs?: number): number | null {
    if (attempt >= this.maxAttempts) return null;
    const { baseMs, factor, maxDelayMs, jitterRatio } = this.options;
    const scheduled = baseMs * factor ** (attempt - 1);
    const jittered = scheduled + scheduled * jitterRatio * this.random();
    return Math.round(Math.min(maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
  }
}
