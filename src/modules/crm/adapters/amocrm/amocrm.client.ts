import { EnvironmentVariables } from '../../../../config/env.validation';
import { PermanentError, ProviderBlockedError, TransientError } from '../../../../shared/domain-error';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';

/** A failure worth retrying, with whether the call may have taken effect on amoCRM's side. */
export class AmoCrmTransientError extends TransientError {
  constructor(
    message: string,
    retryAfterMs: number | undefined,
    /** True when the request left and the answer was lost or was a 5xx: a write may have happened. */
    readonly mayHaveReachedServer: boolean,
    readonly status?: number,
  ) {
    super(message, retryAfterMs);
  }
}

export type AmoCrmPermanentReason = 'auth' | 'validation' | 'rejected' | 'config';

/** A failure no retry fixes: a rejected payload, or credentials only a new authorization can restore. */
export class AmoCrmPermanentError extends PermanentError {
  constructor(
    message: string,
    readonly reason: AmoCrmPermanentReason,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * amoCRM refuses service to the account for now: 402 (the paid or trial period ended) or 403 (the account or our IP
 * is blocked, often after repeated 429s). Hot retries make a block worse: dead letter now, slow redrive later.
 */
export class AmoCrmBlockedError extends ProviderBlockedError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Where the client gets its bearer token: the OAuth token store, or a fixed long-lived token. */
export interface AmoAccessTokens {
  /** True when a 401 can be cured by refreshing. */
  readonly refreshable: boolean;
  current(): Promise<string>;
  /** A token other than `stale`: refreshed, or the one another worker already refreshed. */
  refresh(stale: string): Promise<string>;
}

/** A long-lived token of a private integration: no refresh; a 401 is final. */
export class LongLivedAmoToken implements AmoAccessTokens {
  readonly refreshable = false;
  constructor(private readonly token: string) {}

  current(): Promise<string> {
    return Promise.resolve(this.token);
  }

  refresh(): Promise<string> {
    return Promise.reject(
      new AmoCrmPermanentError(
        'amoCRM rejected the long-lived token (401): issue a new one for the integration',
        'auth',
        401,
      ),
    );
  }
}

export type AmoMethod = 'GET' | 'POST' | 'PATCH';

export interface AmoRequest {
  query?: Record<string, string | number | Array<string | number>>;
  body?: unknown;
}

interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

const DEFAULT_RETRY_AFTER_MS = 1000;
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The amoCRM account a base URL names; the key of its rate-limit bucket and of its OAuth token row. */
export function amoAccount(baseUrl: string): string {
  return new URL(baseUrl).host;
}

/**
 * Burst of the shared token bucket: one request. amoCRM counts requests per second, and a bucket admits its burst
 * plus a second's worth of tokens in any one second: a full second's worth of burst would double the rate after
 * an idle moment. With one, no second holds more than AMOCRM_RATE_PER_SEC + 1.
 */
export const AMO_BURST = 1;

/**
 * How long to wait after a 429: `retry_after` in the body (seconds, as in the Kommo example), else the
 * Retry-After header (seconds or an HTTP date), else one second. Never less than one second.
 */
export function retryAfterMs(body: unknown, header: string | null, nowMs = Date.now()): number {
  const fromBody = Number((body as { retry_after?: unknown } | null)?.retry_after);
  if (Number.isFinite(fromBody) && fromBody > 0) return Math.max(DEFAULT_RETRY_AFTER_MS, Math.ceil(fromBody * 1000));
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds > 0) return Math.max(DEFAULT_RETRY_AFTER_MS, Math.ceil(seconds * 1000));
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(DEFAULT_RETRY_AFTER_MS, at - nowMs);
  }
  return DEFAULT_RETRY_AFTER_MS;
}

/** "custom_fields_values.0.field_id: NotSupportedChoice; …" from a 400's validation-errors. Codes and paths only. */
export function validationSummary(body: unknown): string {
  const groups = (body as { 'validation-errors'?: unknown } | null)?.['validation-errors'];
  if (!Array.isArray(groups)) return '';
  const parts: string[] = [];
  for (const group of groups as Array<{ errors?: Array<{ code?: unknown; path?: unknown }> }>) {
    for (const error of group.errors ?? []) parts.push(`${String(error.path ?? '?')}: ${String(error.code ?? '?')}`);
  }
  return parts.slice(0, 5).join('; ');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The cause code of a fetch network failure (undici wraps it in TypeError('fetch failed')). */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | null)?.cause;
  return String(cause?.code ?? cause?.name ?? (error as { name?: unknown } | null)?.name ?? 'unknown');
}

/**
 * JSON calls to amoCRM API v4. Takes a token from the shared rate limiter before every request, refreshes the
 * OAuth token once on a 401, and turns every failure into TransientError or PermanentError. Error messages carry
 * the method, the path without its query string and the status, never tokens, phones or names.
 */
export class AmoCrmClient {
  readonly account: string;
  private readonly baseUrl: string;

  constructor(
    private readonly env: EnvironmentVariables,
    private readonly limiter: RedisRateLimiter,
    private readonly tokens: AmoAccessTokens,
  ) {
    if (!env.AMOCRM_BASE_URL) throw new AmoCrmPermanentError('AMOCRM_BASE_URL is not set', 'config');
    this.baseUrl = env.AMOCRM_BASE_URL.replace(/\/+$/, '');
    this.account = amoAccount(this.baseUrl);
  }

  /** GET: the parsed body, or null for 204 No Content (nothing found) and 404. */
  get<T>(path: string, query?: AmoRequest['query']): Promise<T | null> {
    return this.request<T>('GET', path, { query });
  }

  /** POST: the parsed body (null only when amoCRM answered with no content). */
  post<T>(path: string, body: unknown): Promise<T | null> {
    return this.request<T>('POST', path, { body });
  }

  async request<T>(method: AmoMethod, path: string, request: AmoRequest = {}): Promise<T | null> {
    const token = await this.tokens.current();
    let answer = await this.send(method, path, request, token);
    if (answer.status === 401) {
      if (!this.tokens.refreshable) {
        throw new AmoCrmPermanentError(
          `amoCRM ${method} ${path} answered 401: the long-lived token is invalid or expired; issue a new one`,
          'auth',
          401,
        );
      }
      const fresh = await this.tokens.refresh(token);
      answer = await this.send(method, path, request, fresh);
      if (answer.status === 401) {
        throw new AmoCrmPermanentError(
          `amoCRM ${method} ${path} answered 401 after a token refresh: re-authorize the integration`,
          'auth',
          401,
        );
      }
    }
    return this.interpret<T>(method, path, answer);
  }

  private url(path: string, query: AmoRequest['query']): string {
    const url = new URL(`${this.baseUrl}/api/v4/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(`${key}[]`, String(item));
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async send(method: AmoMethod, path: string, request: AmoRequest, token: string): Promise<RawAnswer> {
    try {
      await this.limiter.acquire(this.account, this.env.AMOCRM_RATE_PER_SEC, AMO_BURST);
    } catch {
      throw new AmoCrmTransientError('amoCRM rate limiter unavailable (Redis)', undefined, false);
    }
    const where = `amoCRM ${method} ${path}`;
    let response: Response;
    try {
      response = await fetch(this.url(path, request.query), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/hal+json, application/json, application/problem+json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.env.CRM_HTTP_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.networkFailure(where, error, method);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The status line arrived, the body did not: the server has processed the request.
      throw this.networkFailure(where, error, method, true);
    }
    return { status: response.status, headers: response.headers, text };
  }

  private networkFailure(where: string, error: unknown, method: AmoMethod, sent = false): AmoCrmTransientError {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new AmoCrmTransientError(
        `${where}: no answer within ${this.env.CRM_HTTP_TIMEOUT_MS} ms`,
        undefined,
        method !== 'GET',
      );
    }
    const code = networkCode(error);
    const reached = method !== 'GET' && (sent || !NOT_SENT_CODES.has(code));
    return new AmoCrmTransientError(`${where}: network failure (${code})`, undefined, reached);
  }

  private interpret<T>(method: AmoMethod, path: string, answer: RawAnswer): T | null {
    const where = `amoCRM ${method} ${path}`;
    const { status } = answer;
    const parsed = answer.text.trim() === '' ? ({ ok: true, value: null } as const) : parseJson(answer.text);
    const body = parsed.ok ? parsed.value : null;
    const write = method !== 'GET';

    if (status === 204) return null;
    if (status >= 200 && status < 300) {
      if (!parsed.ok)
        throw new AmoCrmTransientError(`${where} answered ${status} with a non-JSON body`, undefined, write);
      return body as T;
    }
    if (status === 429) {
      throw new AmoCrmTransientError(
        `${where} answered 429: rate limit exceeded`,
        retryAfterMs(body, answer.headers.get('retry-after')),
        false,
        429,
      );
    }
    if (status === 402) {
      throw new AmoCrmBlockedError(`${where} answered 402: the amoCRM account's paid period has ended`, 402);
    }
    if (status === 403) {
      throw new AmoCrmBlockedError(
        `${where} answered 403: the account or this IP is blocked, or the integration lacks rights`,
        403,
      );
    }
    if (status === 400) {
      const summary = validationSummary(body);
      throw new AmoCrmPermanentError(
        `${where} answered 400: the payload was rejected${summary ? ` (${summary})` : ''}`,
        'validation',
        400,
      );
    }
    if (status === 404 && !write) return null;
    if (status === 408 || status >= 500) {
      const kind = parsed.ok ? '' : ' (non-JSON body)';
      throw new AmoCrmTransientError(`${where} answered ${status}${kind}`, undefined, write, status);
    }
    if (status >= 300 && status < 400) {
      throw new AmoCrmPermanentError(
        `${where} answered a ${status} redirect: check AMOCRM_BASE_URL (the account's own domain)`,
        'config',
        status,
      );
    }
    throw new AmoCrmPermanentError(`${where} answered ${status}`, 'rejected', status);
  }
}
