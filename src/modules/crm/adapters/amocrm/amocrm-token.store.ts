import { EnvironmentVariables } from '../../../../config/env.validation';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';
import {
  AmoCrmPermanentError,
  AmoCrmTransientError,
  amoAccount,
  AMO_BURST,
  retryAfterMs,
  type AmoAccessTokens,
} from './amocrm.client';

const PROVIDER = 'amocrm';
/** A token this close to its expiry is refreshed before use rather than after a 401. */
const EARLY_REFRESH_MS = 5 * 60 * 1000;
/** An access token given in the environment next to OAuth credentials: its expiry is unknown; assume a day. */
const UNKNOWN_EXPIRY_MS = 24 * 60 * 60 * 1000;

interface TokenRow {
  access_token: string;
  refresh_token: string;
  expires_at: Date;
}

interface TokenPair {
  access: string;
  expiresAt: Date;
}

const REFRESH_TIMEOUT_FLOOR_MS = 30_000;

/**
 * The OAuth tokens of one amoCRM account, kept in crm_oauth_tokens so every worker shares them. amoCRM refresh
 * tokens are single-use across all clients, so a refresh happens under the row's lock, in a transaction of its
 * own (never the caller's), and re-reads the row first: when another worker has already rotated the pair, its
 * access token is used and the refresh token is not spent a second time.
 */
export class AmoCrmTokenStore implements AmoAccessTokens {
  /**
   * A lost answer to a refresh spends the single-use refresh token and forces a re-authorization, so the refresh
   * call waits far longer than an API call.
   */
  private get refreshTimeoutMs(): number {
    return Math.max(this.env.CRM_HTTP_TIMEOUT_MS, REFRESH_TIMEOUT_FLOOR_MS);
  }

  readonly refreshable = true;
  readonly account: string;
  private readonly baseUrl: string;
  private cached: TokenPair | null = null;

  constructor(
    private readonly env: EnvironmentVariables,
    private readonly limiter: RedisRateLimiter,
    private readonly uow: TypeOrmUnitOfWork,
  ) {
    if (!env.AMOCRM_BASE_URL) throw new AmoCrmPermanentError('AMOCRM_BASE_URL is not set', 'config');
    this.baseUrl = env.AMOCRM_BASE_URL.replace(/\/+$/, '');
    this.account = amoAccount(this.baseUrl);
  }

  /** A usable access token: the cached one, the stored one, or a fresh one when it is (nearly) expired. */
  async current(): Promise<string> {
    if (this.cached && this.fresh(this.cached.expiresAt)) return this.cached.access;
    const row = await this.detached(async () => {
      await this.seed();
      return this.read();
    });
    if (row && row.access_token !== '' && this.fresh(row.expires_at)) {
      this.cached = { access: row.access_token, expiresAt: row.expires_at };
      return row.access_token;
    }
    return this.refresh(row?.access_token ?? '');
  }

  /**
   * A token other than `stale`. Under the row lock: if the stored access token is no longer `stale` (another
   * worker refreshed meanwhile) and still valid, that one; otherwise spend the stored refresh token and store the
   * new pair before the lock is released.
   */
  async refresh(stale: string): Promise<string> {
    const pair = await this.detached(async () => {
      await this.seed();
      return this.uow.manager().transaction(async (tx) => {
        // Waiting workers give up (and retry later) rather than hang past a slow token endpoint.
        await tx.query(`SET LOCAL lock_timeout = '${Math.round(this.refreshTimeoutMs * 2 + 5000)}ms'`);
        let rows: TokenRow[];
        try {
          rows = (await tx.query(
            `SELECT access_token, refresh_token, expires_at FROM crm_oauth_tokens
             WHERE provider = $1 AND account = $2 FOR UPDATE`,
            [PROVIDER, this.account],
          )) as TokenRow[];
        } catch (error) {
          if ((error as { code?: string }).code === '55P03') {
            throw new AmoCrmTransientError('amoCRM token refresh: another worker holds the token lock', 1000, false);
          }
          throw error;
        }
        const row = rows[0];
        if (!row) throw new AmoCrmPermanentError('amoCRM OAuth tokens are missing for the account', 'config');
        if (row.access_token !== '' && row.access_token !== stale && this.fresh(row.expires_at)) {
          return { access: row.access_token, expiresAt: row.expires_at };
        }
        const issued = await this.exchange(row.refresh_token);
        await tx.query(
          `UPDATE crm_oauth_tokens SET access_token = $3, refresh_token = $4, expires_at = $5, updated_at = now()
           WHERE provider = $1 AND account = $2`,
          [PROVIDER, this.account, issued.access, issued.refresh, issued.expiresAt],
        );
        return { access: issued.access, expiresAt: issued.expiresAt };
      });
    });
    this.cached = pair;
    return pair.access;
  }

  /** Forgets the in-memory copy (the next call reads the database). */
  forget(): void {
    this.cached = null;
  }

  private fresh(expiresAt: Date): boolean {
    return new Date(expiresAt).getTime() - EARLY_REFRESH_MS > Date.now();
  }

  private detached<T>(work: () => Promise<T>): Promise<T> {
    return this.uow.detached(work);
  }

  private async read(): Promise<TokenRow | undefined> {
    const rows = (await this.uow
      .manager()
      .query(
        `SELECT access_token, refresh_token, expires_at FROM crm_oauth_tokens WHERE provider = $1 AND account = $2`,
        [PROVIDER, this.account],
      )) as TokenRow[];
    return rows[0];
  }

  /** The first refresh token comes from the environment; once a row exists the database is the only truth. */
  private async seed(): Promise<void> {
    if (!this.env.AMOCRM_REFRESH_TOKEN) return;
    const access = this.env.AMOCRM_ACCESS_TOKEN ?? '';
    const expiresAt = access ? new Date(Date.now() + UNKNOWN_EXPIRY_MS) : new Date(0);
    await this.uow.manager().query(
      `INSERT INTO crm_oauth_tokens (provider, account, access_token, refresh_token, expires_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, account) DO NOTHING`,
      [PROVIDER, this.account, access, this.env.AMOCRM_REFRESH_TOKEN, expiresAt],
    );
  }

  /** POST /oauth2/access_token with grant_type=refresh_token. */
  private async exchange(refreshToken: string): Promise<{ access: string; refresh: string; expiresAt: Date }> {
    const where = 'amoCRM POST /oauth2/access_token';
    try {
      await this.limiter.acquire(this.account, this.env.AMOCRM_RATE_PER_SEC, AMO_BURST);
    } catch {
      throw new AmoCrmTransientError('amoCRM rate limiter unavailable (Redis)', undefined, false);
    }
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await fetch(`${this.baseUrl}/oauth2/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          client_id: this.env.AMOCRM_CLIENT_ID,
          client_secret: this.env.AMOCRM_CLIENT_SECRET,
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          redirect_uri: this.env.AMOCRM_REDIRECT_URI,
        }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.refreshTimeoutMs),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      // If amoCRM rotated the pair and the answer was lost, the stored refresh token is spent: the next try
      // gets "revoked" and the integration needs re-authorization. Nothing on our side can recover that pair.
      const name = String((error as { name?: unknown } | null)?.name ?? 'error');
      throw new AmoCrmTransientError(`${where}: no answer (${name})`, undefined, true);
    }
    let body: Record<string, unknown> | null = null;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    if (status === 200 && body && typeof body.access_token === 'string' && typeof body.refresh_token === 'string') {
      const expiresIn = Number(body.expires_in);
      const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : UNKNOWN_EXPIRY_MS;
      return { access: body.access_token, refresh: body.refresh_token, expiresAt: new Date(Date.now() + lifetimeMs) };
    }
    if (status === 429) {
      throw new AmoCrmTransientError(`${where} answered 429`, retryAfterMs(body, retryAfter), false, 429);
    }
    if (status >= 500 || status === 200) {
      const what = status === 200 ? '200 without tokens' : String(status);
      throw new AmoCrmTransientError(`${where} answered ${what}`, undefined, true, status);
    }
    // 400 invalid_grant, 401 "Token has been revoked" (a spent or expired refresh token), 403: only a new
    // authorization by the account admin helps. The hint is amoCRM's wording, never a token.
    const hint = [body?.error, body?.hint].filter((part) => typeof part === 'string').join(': ');
    const because = hint ? ` (${hint.slice(0, 120)})` : '';
    throw new AmoCrmPermanentError(
      `${where} answered ${status}${because}: the refresh token was rejected; re-authorize the amoCRM integration`,
      'auth',
      status,
    );
  }
}
