import type { EnvironmentVariables } from '../../../../config/env.validation';
import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { RecipientUnreachableError } from '../../domain/channel-errors';

export const DEFAULT_TELEGRAM_API_BASE = 'https://api.telegram.org';
/** Telegram answers in well under a second; a call still open after this is treated as lost. */
export const TELEGRAM_HTTP_TIMEOUT_MS = 10000;
const MAX_DESCRIPTION_CHARS = 200;

/** The Bot API envelope: `{ok: true, result}` or `{ok: false, error_code, description, parameters?}`. */
interface TelegramReply {
  ok?: unknown;
  result?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

/** A 400 other than "chat not found": our request is wrong, no retry fixes it. Keeps Telegram's description. */
export class TelegramBadRequestError extends PermanentError {
  constructor(
    message: string,
    readonly description: string,
  ) {
    super(message);
    this.name = 'TelegramBadRequestError';
  }
}

/**
 * Calls the Bot API: POST JSON to `<base>/bot<token>/<method>`. Failures are sorted by Telegram's own semantics
 * (error_code, description, parameters) into TransientError, PermanentError and RecipientUnreachableError.
 * The token is part of the URL, so no URL and no raw fetch error ever reaches an error message.
 */
export class TelegramClient {
  private readonly base: string;

  constructor(
    private readonly token: string,
    base: string = DEFAULT_TELEGRAM_API_BASE,
    private readonly timeoutMs: number = TELEGRAM_HTTP_TIMEOUT_MS,
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  static fromEnv(env: EnvironmentVariables): TelegramClient {
    if (!env.TELEGRAM_BOT_TOKEN) throw new PermanentError('Telegram: TELEGRAM_BOT_TOKEN is not set');
    return new TelegramClient(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_API_BASE ?? DEFAULT_TELEGRAM_API_BASE);
  }

  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const { status, text } = await this.post(method, params);
    const reply = parseReply(text);
    if (!reply) {
      const detail = `HTTP ${status} with a body that is not a Bot API answer`;
      throw status >= 500 || status < 300
        ? transient(method, detail)
        : new PermanentError(`Telegram ${method}: ${detail}`);
    }
    if (reply.ok === true && status < 300) return reply.result as T;
    throw this.failure(method, status, reply);
  }

  private async post(method: string, params: Record<string, unknown>): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(`${this.base}/bot${this.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      throw networkFailure(method, error, this.timeoutMs);
    }
  }

  private failure(method: string, status: number, reply: TelegramReply): Error {
    const code = typeof reply.error_code === 'number' ? reply.error_code : status;
    const description = this.describe(reply.description);
    const message = `Telegram ${method}: ${code} ${description}`;
    if (code === 429) {
      const retryAfter = reply.parameters?.retry_after;
      return new TransientError(
        message,
        typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter * 1000 : undefined,
      );
    }
    // "bot was blocked by the user", "user is deactivated", "bot can't initiate conversation with a user", ...
    if (code === 403) return new RecipientUnreachableError(message, description.replace(/^Forbidden:\s*/i, ''));
    if (code === 400 && /chat not found/i.test(description))
      return new RecipientUnreachableError(message, 'chat not found');
    if (code === 400) return new TelegramBadRequestError(message, description);
    if (code === 401 || code === 404) {
      return new PermanentError(`${message}: the bot token was rejected; check TELEGRAM_BOT_TOKEN with @BotFather`);
    }
    if (code >= 500 || status >= 500) return transient(method, `${code} ${description}`);
    return new PermanentError(message);
  }

  /** Telegram's description, short, with the token cut out should it ever be echoed. */
  private describe(description: unknown): string {
    const text = typeof description === 'string' && description.trim() ? description.trim() : 'no description';
    return text.split(this.token).join('<token>').slice(0, MAX_DESCRIPTION_CHARS);
  }
}

function parseReply(text: string): TelegramReply | null {
  try {
    const reply: unknown = JSON.parse(text);
    return reply && typeof reply === 'object' && !Array.isArray(reply) && 'ok' in reply
      ? (reply as TelegramReply)
      : null;
  } catch {
    return null;
  }
}

function networkFailure(method: string, error: unknown, timeoutMs: number): TransientError {
  // Not `instanceof Error`: fetch's errors come from Node's own realm, which a test VM does not share.
  const failure = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') {
    return transient(method, `no answer within ${timeoutMs} ms`);
  }
  const code = typeof failure.cause?.code === 'string' ? failure.cause.code : 'network error';
  return transient(method, `connection failed (${code})`);
}

function transient(method: string, detail: string): TransientError {
  return new TransientError(`Telegram ${method}: ${detail}`);
}
