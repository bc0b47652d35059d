import { stringify } from 'qs';
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
/** Bitrix24 runs a batch's commands one after another: each adds to how long its answer may take. */
const BATCH_COMMAND_ALLOWANCE_MS = 500;
/** The HTTP status a code means when it comes back for one command of a batch (which is always HTTP 200). */
const COMMAND_ERROR_STATUS: Record<string, number> = {
  QUERY_LIMIT_EXCEEDED: 503,
  OPERATION_TIME_LIMIT: 429,
  INTERNAL_SERVER_ERROR: 500,
};

interface Command {
  method: string;
  params: Record<string, unknown>;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** `batch`'s answer: per command key, its result or its error, and its `time` block. */
interface BatchResult {
  result?: Record<string, unknown> | unknown[];
  result_error?: Record<string, Bitrix24Reply> | unknown[];
  result_time?: Record<string, Bitrix24Time> | unknown[];
}

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
 * Calls Bitrix24 REST through an incoming webhook, failures sorted into TransientError and PermanentError by
 * Bitrix24's error code first, then by status.
 *
 * Calls share the portal's leaky bucket (BITRIX24_RATE_PER_SEC, burst BITRIX24_RATE_BURST) through one queue:
 * whoever gets the next token sends every command queued meanwhile, up to BITRIX24_BATCH_SIZE, as one `batch`
 * call, which the bucket counts once. Under a spike the wait for a token is what fills the batch; a lone command
 * goes out as a plain call. A batch never chains commands with `$result[...]`: Bitrix24 does not document what a
 * reference to a failed command holds, so a step that needs another's result waits for it in a later batch.
 */
export class Bitrix24Client {
  private readonly webhook: Webhook | null;
  /** Per method, when the last answer said its execution-time budget frees up (ms): the hint after a 429. */
  private readonly operatingResetAt = new Map<string, number>();
  /** Per method, until when the portal refuses it (OPERATION_TIME_LIMIT): its calls fail fast meanwhile. */
  private readonly parkedUntil = new Map<string, number>();
  private readonly waiting: Command[] = [];
  private draining = false;

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
        return (await this.submit(method, params)) as T;
      } catch (error) {
        const wait = error instanceof TransientError ? (error.retryAfterMs ?? 0) : Infinity;
        if (!READ_METHOD.test(method) || wait > READ_RETRY_MAX_WAIT_MS || attempt > READ_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.max(READ_RETRY_PAUSE_MS * attempt, wait)));
      }
    }
  }

  private submit(method: string, params: Record<string, unknown>): Promise<unknown> {
    this.requireWebhook();
    const parked = (this.parkedUntil.get(method) ?? 0) - Date.now();
    if (parked > 0) {
      return Promise.reject(
        transient(method, 'method execution-time limit: waiting for the portal', 'OPERATION_TIME_LIMIT', parked, false),
      );
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ method, params, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Sends what waits, one bucket token per request; a request's answer is not awaited before the next goes. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const webhook = this.requireWebhook();
        try {
          await this.limiter.acquire(webhook.account, this.env.BITRIX24_RATE_PER_SEC, this.env.BITRIX24_RATE_BURST);
        } catch {
          for (const command of this.waiting.splice(0)) {
            command.reject(
              transient(command.method, 'rate limiter unavailable (Redis)', 'RATE_LIMITER', undefined, false),
            );
          }
          return;
        }
        const commands = this.waiting.splice(0, this.env.BITRIX24_BATCH_SIZE);
        void (commands.length === 1 ? this.sendOne(webhook, commands[0]) : this.sendBatch(webhook, commands));
      }
    } finally {
      this.draining = false;
    }
  }

  private async sendOne(webhook: Webhook, command: Command): Promise<void> {
    const { method, params } = command;
    try {
      const { status, text } = await this.post(webhook, `${method}.json`, params, this.env.CRM_HTTP_TIMEOUT_MS, method);
      command.resolve(this.resultOf(method, status, text));
    } catch (error) {
      command.reject(error as Error);
    }
  }

  private resultOf(method: string, status: number, text: string): unknown {
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
    return reply.result;
  }

  /**
   * `halt=0`: one command's error does not stop the others, and each caller gets its own result or error. A
   * failure of the whole batch (5xx, timeout, lost answer) is each command's failure, uncertain like a plain call's.
   */
  private async sendBatch(webhook: Webhook, commands: Command[]): Promise<void> {
    const cmd = Object.fromEntries(commands.map((c, k) => [`c${k}`, `${c.method}?${stringify(c.params)}`]));
    const timeoutMs = this.env.CRM_HTTP_TIMEOUT_MS + commands.length * BATCH_COMMAND_ALLOWANCE_MS;
    let batch: BatchResult;
    try {
      const { status, text } = await this.post(webhook, 'batch.json', { halt: 0, cmd }, timeoutMs, 'batch');
      batch = (this.resultOf('batch', status, text) ?? {}) as BatchResult;
    } catch (error) {
      for (const command of commands) command.reject(asFailureOf(command.method, error as Error));
      return;
    }
    commands.forEach((command, k) => {
      const key = `c${k}`;
      const time = entryOf<Bitrix24Time>(batch.result_time, key);
      this.rememberOperating(command.method, time);
      const error = entryOf<Bitrix24Reply>(batch.result_error, key);
      if (error) {
        const code = String(error.error ?? '').toUpperCase();
        command.reject(this.failure(command.method, COMMAND_ERROR_STATUS[code] ?? 400, error));
      } else if (batch.result && hasEntry(batch.result, key)) {
        command.resolve(entryOf(batch.result, key));
      } else {
        command.reject(transient(command.method, 'batch answer without its result', 'NO_RESULT', undefined, true));
      }
    });
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

  private async post(
    webhook: Webhook,
    path: string,
    body: Record<string, unknown>,
    timeoutMs: number,
    method: string,
  ): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(`${webhook.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        // A redirect means the portal moved; following it would turn the POST into a GET and lose the body.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      throw networkFailure(method, error, timeoutMs);
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
      const wait = this.operatingWait(method);
      this.parkedUntil.set(method, Date.now() + wait);
      return transient(method, `${detail}: method execution-time limit`, 'OPERATION_TIME_LIMIT', wait, false);
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

/** A batch's failure as one of its commands sees it: the same class and outcome, under the command's method. */
function asFailureOf(method: string, error: Error): Error {
  if (error instanceof Bitrix24TransientError) {
    return new Bitrix24TransientError(
      error.message.replace(/^Bitrix24 batch:/, `Bitrix24 ${method} (in a batch):`),
      error.retryAfterMs,
      error.code,
      error.uncertain,
    );
  }
  return error;
}

/** `result`, `result_error` and `result_time` are objects keyed by command, or `[]` when empty. */
function entryOf<T>(entries: Record<string, unknown> | unknown[] | undefined, key: string): T | undefined {
  return entries && !Array.isArray(entries) ? (entries[key] as T | undefined) : undefined;
}

function hasEntry(entries: Record<string, unknown> | unknown[], key: string): boolean {
  return !Array.isArray(entries) && Object.hasOwn(entries, key);
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
