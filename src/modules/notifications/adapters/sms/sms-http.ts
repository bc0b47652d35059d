import { TransientError } from '../../../../shared/domain-error';

/** SMS gateways answer within a second or two; a call still open after this is treated as lost. */
export const SMS_HTTP_TIMEOUT_MS = 15000;

export interface GatewayAnswer {
  status: number;
  /** The body as a JSON object, or null when it is not one. */
  json: Record<string, unknown> | null;
}

/**
 * POSTs a form to a gateway (credentials in the body, never in the URL). A network failure or timeout becomes a
 * TransientError that names neither the URL nor the body: both would carry credentials and the phone.
 */
export async function postForm(
  label: string,
  url: string,
  form: Record<string, string>,
  timeoutMs: number,
): Promise<GatewayAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw networkFailure(label, error, timeoutMs);
  }
  return { status: response.status, json: jsonObject(text) };
}

function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function networkFailure(label: string, error: unknown, timeoutMs: number): TransientError {
  // A DOMException from another realm (test runners) is no `instanceof Error`: read the name as it is.
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new TransientError(`${label}: no answer within ${timeoutMs} ms`);
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return new TransientError(`${label}: connection failed (${typeof code === 'string' ? code : 'network error'})`);
}

/** The gateway's own words about an error, short, with anything that looks like a phone number cut out. */
export function gatewayText(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return text
    .replace(/\+?\d[\d\s()-]{6,}\d/g, '[number]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** Gateways take numbers as digits with the country code: "+79131234567" → "79131234567". */
export function gatewayNumber(e164: string): string {
  return e164.replace(/\D/g, '');
}
