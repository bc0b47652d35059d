import { createHmac, timingSafeEqual } from 'node:crypto';

/** Compares a secret the caller sent with ours in constant time (length leaks, content does not). */
export function secretsMatch(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Meta's `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the app secret. */
export function hubSignatureMatches(
  rawBody: Buffer | undefined,
  header: string | undefined,
  appSecret: string,
): boolean {
  if (!rawBody || typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
  return secretsMatch(header.toLowerCase(), expected);
}
