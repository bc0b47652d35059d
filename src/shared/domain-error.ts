/**
 * Base of every domain error. The code (e.g. `WEBCHAT.INVALID_INPUT`) is mapped to an HTTP status only at the
 * edge, by the global problem-details filter.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A failure worth trying again later (network, timeout, 5xx, rate limit). */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

/**
 * Our own client-side rate limit for a provider has no token left: the work waits `retryAfterMs` outside any worker
 * slot and transaction, and the wait is not a failed attempt (it spends none of the retries).
 */
export class RateLimitedError extends TransientError {
  constructor(what: string, retryAfterMs: number) {
    super(`${what}: rate limit, next token in ${retryAfterMs} ms`, retryAfterMs);
    this.name = 'RateLimitedError';
  }
}

/** A failure that no retry can fix (validation, revoked credentials): goes straight to dead letters. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * The provider has blocked or suspended the account (Bitrix24 OVERLOAD_LIMIT, an unpaid amoCRM account): hot
 * retries are pointless and make it worse, so the work goes to dead letters at once, but it is replayed by the
 * slow redrive once the provider answers again.
 */
export class ProviderBlockedError extends PermanentError {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderBlockedError';
  }
}
