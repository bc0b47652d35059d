/** The `error` object of a failed Graph API call (WhatsApp Cloud API, Instagram and Messenger Send API). */
interface GraphErrorBody {
  code?: unknown;
  error_subcode?: unknown;
  message?: unknown;
  type?: unknown;
  fbtrace_id?: unknown;
  error_data?: { details?: unknown };
}

/** What a failed Graph call said, reduced to what error mapping and logs need. */
export interface GraphFailure {
  status: number;
  /** Graph's error code: the field to decide on (titles and HTTP statuses are not reliable). */
  code: number | null;
  subcode: number | null;
  type: string;
  /** Meta's message and details, scrubbed of phone numbers and e-mails. */
  message: string;
  fbtraceId: string;
  /** When Meta says access comes back (X-Business-Use-Case-Usage, Retry-After). */
  retryAfterMs?: number;
}

/** A Graph call answered with an error: the channel's messenger maps it by the channel's own code semantics. */
export class GraphApiError extends Error {
  constructor(
    readonly label: string,
    readonly failure: GraphFailure,
  ) {
    super(`${label}: ${describeGraphFailure(failure)}`);
    this.name = 'GraphApiError';
  }
}

export function readGraphFailure(status: number, text: string, headers: Headers): GraphFailure {
  const error = parseErrorBody(text);
  const details = typeof error?.error_data?.details === 'string' ? error.error_data.details : '';
  const message = [typeof error?.message === 'string' ? error.message : '', details].filter(Boolean).join(' — ');
  return {
    status,
    code: integer(error?.code),
    subcode: integer(error?.error_subcode),
    type: typeof error?.type === 'string' ? error.type : '',
    message: scrub(message) || (error ? 'no message' : 'the answer is not a Graph error'),
    fbtraceId: typeof error?.fbtrace_id === 'string' ? error.fbtrace_id : '',
    retryAfterMs: retryAfter(headers),
  };
}

/** "HTTP 400 code 131047: (#131047) Re-engagement message [fbtrace_id A1b2]" */
export function describeGraphFailure(failure: GraphFailure): string {
  const code =
    failure.code === null ? '' : ` code ${failure.code}${failure.subcode === null ? '' : `/${failure.subcode}`}`;
  const trace = failure.fbtraceId ? ` [fbtrace_id ${failure.fbtraceId}]` : '';
  return `HTTP ${failure.status}${code}: ${failure.message}${trace}`;
}

function parseErrorBody(text: string): GraphErrorBody | null {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return body && typeof body.error === 'object' && body.error !== null ? (body.error as GraphErrorBody) : null;
  } catch {
    return null;
  }
}

function integer(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/**
 * Meta may quote the recipient's number in a message or details. Error codes (up to 7 digits) stay readable;
 * anything long enough to be a phone number does not.
 */
function scrub(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, '[email]')
    .replace(/\+?\d[\d\s()-]{7,}\d/g, '[number]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/**
 * Graph reports throttling in X-Business-Use-Case-Usage: per business object, a list of usages with
 * `estimated_time_to_regain_access` in minutes. The longest wait wins; a plain Retry-After is read as well.
 */
function retryAfter(headers: Headers): number | undefined {
  const waits: number[] = [];
  const seconds = Number(headers.get('retry-after'));
  if (Number.isFinite(seconds) && seconds > 0) waits.push(seconds * 1000);
  const usage = headers.get('x-business-use-case-usage');
  if (usage) {
    try {
      const parsed = JSON.parse(usage) as Record<string, Array<{ estimated_time_to_regain_access?: unknown }>>;
      for (const entries of Object.values(parsed)) {
        for (const entry of Array.isArray(entries) ? entries : []) {
          const minutes = Number(entry?.estimated_time_to_regain_access);
          if (Number.isFinite(minutes) && minutes > 0) waits.push(minutes * 60_000);
        }
      }
    } catch {
      /* a malformed usage header gives no hint */
    }
  }
  return waits.length ? Math.max(...waits) : undefined;
}
