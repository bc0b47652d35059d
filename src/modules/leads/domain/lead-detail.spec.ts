import { lastAttemptError, traceIdOf } from './lead-detail';

describe('lead detail', () => {
  it('reads the trace id of a W3C traceparent', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(traceIdOf('garbage')).toBeNull();
    expect(traceIdOf(undefined)).toBeNull();
  });

  it("takes the newest failed try of the outbox row's attempt log", () => {
    expect(lastAttemptError([])).toBeNull();
    expect(lastAttemptError([{ attempt: 1 }])).toBeNull();
    expect(
      lastAttemptError([
        { attempt: 1, failedAt: '2026-03-01T10:00:01Z', error: 'Bitrix24: QUERY_LIMIT_EXCEEDED' },
        { attempt: 2, failedAt: '2026-03-01T10:00:05Z', error: 'Bitrix24: HTTP 503' },
        { attempt: 3 },
      ]),
    ).toEqual({ message: 'Bitrix24: HTTP 503', at: '2026-03-01T10:00:05Z', attempt: 2 });
  });
});
