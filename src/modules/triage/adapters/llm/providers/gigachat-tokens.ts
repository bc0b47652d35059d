import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import { parseJson, send, httpFailure, type LlmFetch } from '../llm-http';
import { LlmTriageError } from '../llm-triage.errors';

export interface GigaChatAuthSettings {
  /** The authorization key: base64 of client_id:client_secret, sent as Basic credentials. */
  authKey: string;
  scope: string;
  oauthUrl: string;
  fetch: LlmFetch;
  redis: IORedis;
  /** Keys in Redis start with it (QUEUE_PREFIX). */
  keyPrefix: string;
  now?: () => number;
}

interface StoredToken {
  token: string;
  /** Epoch ms when GigaChat stops accepting it. */
  expiresAt: number;
  /** Epoch ms after which a caller fetches the next one instead of using this. */
  refreshAt: number;
}

/** A token is replaced this long before it expires (or a tenth of its life, if that is shorter). */
const REFRESH_MARGIN_MS = 60_000;
/** How long one process may hold the right to fetch; longer than any OAuth call is allowed to take. */
const LOCK_MS = 10_000;
const POLL_MS = 25;
const OAUTH_TIMEOUT_MS = 5_000;
const RENEWAL_RETRY_MS = 5_000;
const MIN_RENEWAL_MS = 50;

/** Deletes the token only if it is still the one that was refused: a newer one stays. */
const DISCARD_IF_SAME = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const UNLOCK_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * GigaChat access tokens (30 minutes each), fetched once for all processes: the token lives in Redis, and when it is
 * missing or due for renewal exactly one process (holding a short Redis lock) calls the OAuth endpoint while the
 * others wait for its result. Within a process, concurrent callers share one wait. GigaChat allows at most 10 token
 * requests a second, so a burst of messages must never mean a burst of token requests.
 */
export class GigaChatTokens {
  private readonly tokenKey: string;
  private readonly lockKey: string;
  private readonly now: () => number;
  private cached: StoredToken | null = null;
  private inFlight: Promise<StoredToken> | null = null;
  private renewal?: NodeJS.Timeout;

  constructor(private readonly settings: GigaChatAuthSettings) {
    this.tokenKey = `${settings.keyPrefix}:llm:gigachat:token`;
    this.lockKey = `${this.tokenKey}:lock`;
    this.now = settings.now ?? Date.now;
  }

  /** A token good for now; fetched (once, across processes) when there is none or it is due for renewal. */
  async token(signal: AbortSignal): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    this.inFlight ??= this.shared(signal).finally(() => (this.inFlight = null));
    this.cached = await this.inFlight;
    return this.cached.token;
  }

  /**
   * Fetches a token now and renews it shortly before each expiry, so that no message waits for the OAuth call (a
   * cold token costs a round trip to Sber within the message's 2 s budget). Every process renews; the Redis lock
   * makes it one request. A failed renewal is tried again a few seconds later.
   */
  keepFresh(onError: (error: unknown) => void = () => undefined): void {
    const renew = async (): Promise<void> => {
      try {
        await this.token(AbortSignal.timeout(OAUTH_TIMEOUT_MS * 2));
      } catch (error) {
        onError(error);
      }
      if (this.renewal === undefined) return; // stopped meanwhile
      const due = this.cached ? this.cached.refreshAt - this.now() : RENEWAL_RETRY_MS;
      this.renewal = setTimeout(() => void renew(), Math.max(due, MIN_RENEWAL_MS)).unref();
    };
    this.renewal = setTimeout(() => void renew(), 0).unref();
  }

  stop(): void {
    clearTimeout(this.renewal);
    this.renewal = undefined;
  }

  /** GigaChat refused this token (401): forget it, unless another process already replaced it. */
  async discard(token: string): Promise<void> {
    if (this.cached?.token === token) this.cached = null;
    await this.settings.redis.eval(DISCARD_IF_SAME, 1, this.tokenKey, token);
  }

  private async shared(signal: AbortSignal): Promise<StoredToken> {
    const { redis } = this.settings;
    const owner = randomUUID();
    for (;;) {
      const stored = parseStored(await redis.get(this.tokenKey));
      if (stored && this.now() < stored.refreshAt) return stored;
      if ((await redis.set(this.lockKey, owner, 'PX', LOCK_MS, 'NX')) === 'OK') {
        try {
          // Another process may have stored a token between our read and our lock.
          const fresh = parseStored(await redis.get(this.tokenKey));
          if (fresh && this.now() < fresh.refreshAt) return fresh;
          const token = await this.fetchToken();
          await redis.set(this.tokenKey, JSON.stringify(token), 'PX', Math.max(1, token.expiresAt - this.now()));
          return token;
        } finally {
          await redis.eval(UNLOCK_IF_OWNER, 1, this.lockKey, owner);
        }
      }
      if (signal.aborted) throw new LlmTriageError('timeout');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** POST /api/v2/oauth: Basic authorization key, a fresh RqUID, the scope; answers { access_token, expires_at }. */
  private async fetchToken(): Promise<StoredToken> {
    const answer = await send(this.settings.fetch, this.settings.oauthUrl, {
      headers: {
        authorization: `Basic ${this.settings.authKey}`,
        rquid: randomUUID(),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ scope: this.settings.scope }).toString(),
      // Not the message's deadline: a token fetched late still serves the next messages.
      signal: AbortSignal.timeout(OAUTH_TIMEOUT_MS),
    });
    if (answer.status !== 200) throw httpFailure(answer);
    const body = answer.body as { access_token?: unknown; expires_at?: unknown } | undefined;
    if (typeof body?.access_token !== 'string' || typeof body.expires_at !== 'number') {
      throw new LlmTriageError('invalid-output', 200);
    }
    const now = this.now();
    const life = Math.max(0, body.expires_at - now);
    return {
      token: body.access_token,
      expiresAt: body.expires_at,
      refreshAt: body.expires_at - Math.min(REFRESH_MARGIN_MS, life / 10),
    };
  }
}

function parseStored(raw: string | null): StoredToken | null {
  const value = raw ? (parseJson(raw) as StoredToken | undefined) : undefined;
  return value && typeof value.token === 'string' ? value : null;
}
