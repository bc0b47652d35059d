/** SQLSTATE classes and codes that mean the database cannot be reached right now, not that the request is wrong. */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);
const UNAVAILABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /^connect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH)/,
  /^read ECONNRESET/,
];

/**
 * Whether an error means the database is down or restarting (a retry later will succeed), as opposed to a bug or a
 * refused statement. Works on pg's errors and on TypeORM's QueryFailedError, which copies the driver's code.
 */
export function isStorageUnavailable(error: unknown, depth = 0): boolean {
  // Duck-typed: a socket error can come from another realm (a test runner's sandbox), where instanceof fails.
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (cause !== undefined && isStorageUnavailable(cause, depth + 1)) return true;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_CODES.has(code))) return true;
  if (typeof code === 'string' && UNAVAILABLE_NETWORK_CODES.has(code)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}
