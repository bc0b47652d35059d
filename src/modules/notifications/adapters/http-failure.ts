import { PermanentError, TransientError } from '../../../shared/domain-error';

/** Sorts an HTTP answer or network error of a notification endpoint into retry or give up. */
export function notificationFailure(target: string, status: number | null, retryAfterSec?: number): Error {
  if (status === null || status >= 500)
    return new TransientError(`${target} unreachable or failing (${status ?? 'network'})`);
  if (status === 429) return new TransientError(`${target} rate limit`, Math.max(1, retryAfterSec ?? 1) * 1000);
  return new PermanentError(`${target} refused the alert (${status})`);
}
