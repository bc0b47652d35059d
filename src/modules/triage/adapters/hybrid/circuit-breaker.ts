export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe may go through. */
  openMs: number;
  now?: () => number;
  onStateChange?: (state: BreakerState, consecutiveFailures: number) => void;
}

/** Leave to make one call; report its outcome exactly once. */
export interface BreakerPermit {
  success(): void;
  failure(): void;
}

/**
 * Stops calling a service that keeps failing. Closed: every call goes through, and `failureThreshold` failures in a
 * row open it. Open: no call goes through for `openMs`. Then half-open: exactly one probe goes through; its success
 * closes the circuit, its failure opens it again. Outcomes of calls that started before the last state change
 * (slow calls still running when it opened) do not move the state.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private generation = 0;
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** A permit when a call may go through now, otherwise null. */
  tryAcquire(): BreakerPermit | null {
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.openMs) return null;
      this.moveTo('half-open');
    }
    if (this.current === 'half-open') {
      if (this.probing) return null;
      this.probing = true;
    }
    const generation = this.generation;
    let reported = false;
    const report = (ok: boolean) => {
      if (reported) return;
      reported = true;
      if (generation === this.generation) this.record(ok);
    };
    return { success: () => report(true), failure: () => report(false) };
  }

  private record(ok: boolean): void {
    this.probing = false;
    if (ok) {
      this.consecutiveFailures = 0;
      if (this.current !== 'closed') this.moveTo('closed');
      return;
    }
    this.consecutiveFailures += 1;
    if (this.current === 'half-open' || this.consecutiveFailures >= this.options.failureThreshold) this.open();
  }

  private open(): void {
    this.openedAt = this.now();
    this.moveTo('open');
  }

  private moveTo(state: BreakerState): void {
    this.current = state;
    this.generation += 1;
    this.options.onStateChange?.(state, this.consecutiveFailures);
  }
}
