import { Injectable, OnModuleDestroy } from '@nestjs/common';
import IORedis from 'ioredis';
import { EnvironmentVariables } from '../config/env.validation';

/**
 * Token bucket in Redis: `burst` tokens, refilled at `ratePerSec`. Returns 0 and takes a token, or the
 * milliseconds until one is available. Redis's clock is the only clock, so every worker sees the same bucket.
 */
const TAKE_TOKEN = `
local key, rate, burst = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', key, 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
return wait
`;

/**
 * A client-side rate limit per provider account (a CRM, a bot, a chat) shared by all workers, so the provider's own limit is rarely hit and
 * its rate-limit errors do not eat the retries.
 */
@Injectable()
export class RedisRateLimiter implements OnModuleDestroy {
  private readonly redis: IORedis;
  private readonly prefix: string;

  constructor(env: EnvironmentVariables) {
    this.redis = new IORedis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
    this.redis.on('error', () => undefined); // a Redis outage fails the call, which is retried by the outbox
    this.prefix = `${env.QUEUE_PREFIX}:ratelimit:`;
  }

  /** Takes a token of `account`'s bucket and returns 0, or returns the milliseconds until one is there. */
  async take(account: string, ratePerSec: number, burst: number): Promise<number> {
    return Number(await this.redis.eval(TAKE_TOKEN, 1, this.prefix + account, ratePerSec, burst));
  }

  /** Waits until the bucket of `account` has a token, then takes it. */
  async acquire(account: string, ratePerSec: number, burst: number): Promise<void> {
    for (;;) {
      const wait = Number(await this.redis.eval(TAKE_TOKEN, 1, this.prefix + account, ratePerSec, burst));
      if (wait === 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
