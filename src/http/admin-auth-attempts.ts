import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import IORedis from 'ioredis';
import { EnvironmentVariables } from '../config/env.validation';

/**
 * Counts a failure; the window starts with the first failure and is not extended by later ones. Returns the
 * milliseconds the address is blocked for when this failure is past the limit, else 0.
 */
const RECORD_FAILURE = `
local failures = redis.call('INCR', KEYS[1])
if failures == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if failures <= tonumber(ARGV[2]) then return 0 end
return redis.call('PTTL', KEYS[1])
`;

/** Milliseconds until the address may try again, 0 when it is not blocked. */
const BLOCKED_FOR = `
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures < tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
return ttl
`;

/**
 * Failed admin logins per client address, in Redis so every process sees the same count: after
 * ADMIN_AUTH_MAX_FAILURES wrong tokens within ADMIN_AUTH_WINDOW_SECONDS the address is refused, even with the right
 * token, until the window passes.
 */
@Injectable()
export class AdminAuthAttempts implements OnModuleDestroy {
  private readonly logger = new Logger(AdminAuthAttempts.name);
  private readonly redis: IORedis;
  private readonly prefix: string;
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(env: EnvironmentVariables) {
    this.redis = new IORedis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 1000 });
    this.redis.on('error', () => undefined); // each failed call is reported where it happens
    this.prefix = `${env.QUEUE_PREFIX}:admin-auth:failures:`;
    this.maxFailures = env.ADMIN_AUTH_MAX_FAILURES;
    this.windowMs = env.ADMIN_AUTH_WINDOW_SECONDS * 1000;
  }

  /**
   * Seconds until `address` may try again, 0 when it may now. When Redis cannot be asked the answer is 0: the
   * token check still guards the API, and an outage must not lock the operators out while they need it most.
   */
  async blockedForSeconds(address: string): Promise<number> {
    try {
      const ms = Number(await this.redis.eval(BLOCKED_FOR, 1, this.prefix + address, this.maxFailures));
      return ms > 0 ? Math.ceil(ms / 1000) : 0;
    } catch (error) {
      this.logger.warn(`admin login limit not checked, Redis failed: ${(error as Error).message}`);
      return 0;
    }
  }

  /**
   * Counts a wrong token and returns the seconds the address is now blocked for (0 within the limit). Counting and
   * deciding in one step means a parallel burst of guesses gets exactly ADMIN_AUTH_MAX_FAILURES answers of 401.
   */
  async recordFailure(address: string): Promise<number> {
    try {
      const ms = Number(
        await this.redis.eval(RECORD_FAILURE, 1, this.prefix + address, this.windowMs, this.maxFailures),
      );
      return ms > 0 ? Math.ceil(ms / 1000) : 0;
    } catch (error) {
      this.logger.warn(`failed admin login not counted, Redis failed: ${(error as Error).message}`);
      return 0;
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
