import { CircuitBreaker, type BreakerState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now: number;
  let changes: BreakerState[];
  let breaker: CircuitBreaker;

  beforeEach(() => {
    now = 1_000_000;
    changes = [];
    breaker = new CircuitBreaker({
      failureThreshold: 3,
      openMs: 30_000,
      now: () => now,
      onStateChange: (state) => changes.push(state),
    });
  });

  const fail = (times: number) => {
    for (let i = 0; i < times; i++) breaker.tryAcquire()!.failure();
  };

  it('stays closed below the threshold, and a success resets the count', () => {
    fail(2);
    breaker.tryAcquire()!.success();
    fail(2);
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(changes).toEqual([]);
  });

  it('opens after N consecutive failures and lets nothing through during the cool-down', () => {
    fail(3);
    expect(breaker.state).toBe('open');
    expect(changes).toEqual(['open']);
    now += 29_999;
    expect(breaker.tryAcquire()).toBeNull();
  });

  it('after the cool-down lets exactly one probe through; its success closes the circuit', () => {
    fail(3);
    now += 30_000;
    const probe = breaker.tryAcquire();
    expect(probe).not.toBeNull();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBeNull(); // a second caller while the probe runs
    probe!.success();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('a failed probe opens it again for a whole cool-down', () => {
    fail(3);
    now += 30_000;
    breaker.tryAcquire()!.failure();
    expect(breaker.state).toBe('open');
    now += 29_999;
    expect(breaker.tryAcquire()).toBeNull();
    now += 1;
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('ignores late outcomes of calls that started before the circuit opened', () => {
    const slow = breaker.tryAcquire()!;
    fail(3);
    slow.success(); // a slow call answering after the circuit opened does not close it
    expect(breaker.state).toBe('open');
    now += 30_000;
    const probe = breaker.tryAcquire()!;
    slow.failure(); // reported twice and stale: ignored
    probe.success();
    expect(breaker.state).toBe('closed');
  });

  it('counts an outcome once, however often it is reported', () => {
    const permit = breaker.tryAcquire()!;
    permit.failure();
    permit.failure();
    permit.failure();
    expect(breaker.state).toBe('closed');
  });
});
