import type { ServerResponse } from 'node:http';
import { startTime } from 'pino-http';
import { requestLogLevel } from './logging';

const response = (statusCode: number, tookMs: number) =>
  ({ statusCode, [startTime]: Date.now() - tookMs }) as unknown as ServerResponse;

describe('request log level', () => {
  it('logs errors, refusals and slow successes, and stays quiet for the fast successes of a busy day', () => {
    expect(requestLogLevel(response(202, 3), undefined, 1000)).toBe('silent');
    expect(requestLogLevel(response(200, 1500), undefined, 1000)).toBe('info');
    expect(requestLogLevel(response(401, 2), undefined, 1000)).toBe('warn');
    expect(requestLogLevel(response(503, 2), undefined, 1000)).toBe('error');
    expect(requestLogLevel(response(200, 2), new Error('socket hang up'), 1000)).toBe('error');
    expect(requestLogLevel(response(200, 0), undefined, 0)).toBe('info');
  });
});
