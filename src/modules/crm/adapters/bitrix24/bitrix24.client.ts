import { EnvironmentVariables } from '../../../../config/env.validation';
import { PermanentError, ProviderBlockedError, TransientError } from '../../../../shared/domain-error';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';

/** The `time` block Bitrix24 adds to every answer. */
export interface Bitrix24Time {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  /** Unix seconds when part of this method's execution-time budget frees up. */
  operating_reset_at?: number;
  operating?: number;
}

interface Bitrix24Reply {
  result?: unknown;
  time?: Bitrix24Time;
  /** A string code, sometimes empty or numeric ("100"). */
  error?: unknown;
  error_description?: unknown;
}

/** A failure worth retrying. `uncertain`: the request may have reached the portal and taken effect. */
export class Bitrix24TransientError extends TransientError {
  constructor(
    message: string,
    retryAfterMs: number | undefined,
    readonly code: string,
    readonly uncertain: boolean,
  ) {
    super(message, retryAfterMs);
  }
}

export class Bitrix24PermanentError extends PermanentError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The portal refuses service for now (overload block, unpaid plan): dead letter now, slow redrive later. */
export class Bitrix24BlockedError extends ProviderBlockedError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const BLOCK_CODES = new Set(['OVERLOAD_LIMIT', 'PAYMENT_REQUIRED', 'ACCESS_DENIED']);

/** Whether a failed call may have taken effect (timeout, dropped connection, 5xx, garbled answer). */
export function mayHaveReachedBitrix24(error: unknown): boolean {
  return error instanceof Bitrix24TransientError && error.uncertain;
}

interface Webhook {
  /** `https://<portal>/rest/<user>/<code>/`: secret, never in messages or logs. */
  base: string;
  /** `<portal>/rest/<user>`: the rate limiter's key, safe to show. */
  account: string;
  userId: number;
}

const QUERY_LIMIT_RETRY_MS = 1000;
const READ_METHOD = /\.(list|get|findbycomm)$/;
const READ_RETRIES = 2;
const READ_RETRY_PAUSE_MS = 100;
const READ_RETRY_MAX_WAIT_MS = 1000;
/** No reset time known: b24jssdk waits at least 10 s after OPERATION_TIME_LIMIT. */
const OPERATION_LIMIT_RETRY_MS = 10000;

const PERMANENT_CODES: Record<string, string> = {
  OVERLOAD_LIMIT: 'REST API blocked by Bitrix24 support for overload; ask support to lift the block',
  EXPIRED_TOKEN: 'access token expired; an incoming webhook has no tokens (OAuth app mode is not supported)',
  INVALID_TOKEN: 'access token invalid; an incoming webhook has no tokens (OAuth app mode is not supported)',
  NO_AUTH_FOUND: 'no valid authorization: the webhook was deleted or has expired',
  INVALID_CREDENTIALS: 'webhook credentials rejected: the webhook was deleted or its user lacks permissions',
  ACCESS_DENIED: 'access denied: REST needs a commercial plan, or the webhook user lacks rights',
  INSUFFICIENT_SCOPE: 'the webhook lacks a scope this call needs (crm, task)',
  USER_ACCESS_ERROR: 'the webhook user has no access',
  METHOD_CONFIRM_WAITING: 'the method awaits confirmation by a portal administrator',
  PAYMENT_REQUIRED: 'the portal must pay for REST access',
  WRONG_AUTH_TYPE: 'this method is not available to an incoming webhook',
  PORTAL_DELETED: 'the portal was deleted or closed',
  INVALID_REQUEST: 'invalid request (HTTPS required?)',
  ERROR_METHOD_NOT_FOUND: 'method not found (scope missing?)',
};

/**
 * Calls Bitrix24 REST through an incoming webhook: POST JSON to `<webhook><method>.json`, one rate-limiter token
 * per call, failures sorted into TransientError and PermanentError by Bitrix24's error code first, then by status.
 */
export class Bitrix24Client {
  private readonly webhook: Webhook | null;
  /** Per method, when the last answer said its execution-time budget frees up (ms): the hint after a 429. */
  private readonly operatingResetAt = new Map<string, number>();

  constructor(
    private readonly env: EnvironmentVariables,
    private readonly limiter: RedisRateLimiter,
  ) {
    this.webhook = parseWebhook(env.BITRIX24_WEBHOOK_URL);
  }

  /** The employee the webhook acts as. */
  get userId(): number {
    return this.requireWebhook().userId;
  }

  /**
   * One REST call. A read (list, get, duplicate search) that blips is asked again at once, twice at most: it has
   * no side effect, and redoing it here spares the sync from redoing the steps before it.
   */
  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.callOnce<T>(method, params);
      } catch (error) {
        const wait = error instanceof TransientError ? (error.retryAfterMs ?? 0) : Infinity;
        if (!READ_METHOD.test(method) || wait > READ_RETRY_MAX_WAIT_MS || attempt > READ_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.max(READ_RETRY_PAUSE_MS * attempt, wait)));
      }
    }
  }

  private async callOnce<T>(method: string, params: Record<string, unknown>): Promise<T> {
    const webhook = this.requireWebhook();
    await this.acquireToken(webhook, method);
    const { status, text } = await this.post(webhook, method, params);
    if (status >= 300 && status < 400) {
      throw permanent(
        method,
        `HTTP ${status}: the portal redirects (domain changed?); update BITRIX24_WEBHOOK_URL`,
        'MOVED',
      );
    }
    const reply = parseReply(text);
    if (!reply) throw transient(method, `HTTP ${status} with a body that is not JSON`, 'NON_JSON', undefined, true);
    this.rememberOperating(method, reply.time);
    if (reply.error !== undefined || status >= 300) throw this.failure(method, status, reply);
    if (!('result' in reply)) throw transient(method, `HTTP ${status} without a result`, 'NO_RESULT', undefined, true);
    return reply.result as T;
  }

  private requireWebhook(): Webhook {
    if (!this.webhook) {
      throw new Bitrix24PermanentError(
        'Bitrix24: BITRIX24_WEBHOOK_URL is not set or is not https://<portal>/rest/<user>/<code>/',
        'CONFIG',
      );
    }
    return this.webhook;
  }

  private async acquireToken(webhook: Webhook, method: string): Promise<void> {
    try {
      await this.limiter.acquire(webhook.account, this.env.BITRIX24_RATE_PER_SEC, this.env.BITRIX24_RATE_BURST);
    } catch {
      throw transient(method, 'rate limiter unavailable (Redis)', 'RATE_LIMITER', undefined, false);
    }
  }

  private async post(
    webhook: Webhook,
    method: string,
    params: Record<string, unknown>,
  ): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(`${webhook.base}${method}.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(params),
        // A redirect means the portal moved; following it would turn the POST into a GET and lose the body.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.env.CRM_HTTP_TIMEOUT_MS),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      throw networkFailure(method, error, this.env.CRM_HTTP_TIMEOUT_MS);
    }
  }

  private rememberOperating(method: string, time: Bitrix24Time | undefined): void {
    if (typeof time?.operating_reset_at === 'number') this.operatingResetAt.set(method, time.operating_reset_at * 1000);
  }

  private failure(method: string, status: number, reply: Bitrix24Reply): Error {
    const code =
      typeof reply.error === 'string' || typeof reply.error === 'number' ? String(reply.error).toUpperCase() : '';
    const detail = `HTTP ${status}${code ? ` ${code}` : ''}`;
    if (code === 'QUERY_LIMIT_EXCEEDED') {
      return transient(method, `${detail}: request rate limit exceeded`, code, QUERY_LIMIT_RETRY_MS, false);
    }
    if (code === 'OPERATION_TIME_LIMIT' || (status === 429 && !code)) {
      return transient(
        method,
        `${detail}: method execution-time limit`,
        'OPERATION_TIME_LIMIT',
        this.operatingWait(method),
        false,
      );
    }
    if (Object.hasOwn(PERMANENT_CODES, code)) return permanent(method, `${detail}: ${PERMANENT_CODES[code]}`, code);
    if (status >= 500)
      return transient(method, `${detail}: ${describeReply(reply)}`, code || 'SERVER_ERROR', undefined, true);
    return permanent(method, `${detail}: ${describeReply(reply)}`, code || `HTTP_${status}`);
  }

  private operatingWait(method: string): number {
    const resetAt = this.operatingResetAt.get(method);
    const wait = resetAt === undefined ? 0 : resetAt - Date.now() + 1000;
    return wait > 0 ? wait : OPERATION_LIMIT_RETRY_MS;
  }
}

function parseWebhook(url: string | undefined): Webhook | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url.endsWith('/') ? url : `${url}/`);
  } catch {
    return null;
  }
  const match = /^(.*\/rest\/(\d+))\/[^/]+\/$/.exec(parsed.pathname);
  if (!match) return null;
  return { base: parsed.toString(), account: `${parsed.host}${match[1]}`, userId: Number(match[2]) };
}

function parseReply(text: string): Bitrix24Reply | null {
  try {
    const reply: unknown = JSON.parse(text);
    return reply && typeof reply === 'object' && !Array.isArray(reply) ? (reply as Bitrix24Reply) : null;
  } catch {
    return null;
  }
}

/**
 * Only the error code and a scrubbed description reach the message: Bitrix24 may echo field values (phones,
 * e-mails), and neither those nor the webhook URL belong in logs or dead letters.
 */
function describeReply(reply: Bitrix24Reply): string {
  const text = String(reply.error_description ?? '').replace(/<[^>]*>/g, ' ');
  const scrubbed = text
    .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, '[email]')
    .replace(/\+?\d[\d\s()-]{4,}\d/g, '[number]')
    .replace(/\s+/g, ' ')
    .trim();
  return scrubbed.slice(0, 200) || 'no description';
}

function networkFailure(method: string, error: unknown, timeoutMs: number): Bitrix24TransientError {
  // An abort is a DOMException, which is not always `instanceof Error` (it comes from another realm under jest).
  const name = typeof (error as { name?: unknown })?.name === 'string' ? (error as { name: string }).name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return transient(method, `no answer within ${timeoutMs} ms`, 'TIMEOUT', undefined, true);
  }
  const code = causeCode(error);
  // Refused or unresolvable: the request never left, so nothing can have been created.
  const neverSent = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].includes(code);
  return transient(method, `connection failed (${code || 'network error'})`, code || 'NETWORK', undefined, !neverSent);
}

function causeCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : '';
}

function transient(
  method: string,
  detail: string,
  code: string,
  retryAfterMs: number | undefined,
  uncertain: boolean,
): Bitrix24TransientError {
  return new Bitrix24TransientError(`Bitrix24 ${method}: ${detail}`, retryAfterMs, code, uncertain);
}

function permanent(method: string, detail: string, code: string): PermanentError {
  const message = `Bitrix24 ${method}: ${detail}`;
  return BLOCK_CODES.has(code) ? new Bitrix24BlockedError(message, code) : new Bitrix24PermanentError(message, code);
}
