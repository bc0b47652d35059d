import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import IORedis from 'ioredis';
import { EnvironmentVariables } from '../config/env.validation';

const PING_TIMEOUT_MS = 1000;

/** Pings Redis on a connection of its own that fails fast instead of queueing commands while Redis is away. */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly redis: IORedis;

  constructor(
    env: EnvironmentVariables,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.redis = new IORedis(env.REDIS_URL, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: PING_TIMEOUT_MS,
      retryStrategy: () => 500,
    });
    this.redis.on('error', () => undefined); // the health answer reports it
    this.redis.connect().catch(() => undefined);
  }

  async isHealthy(key = 'redis'): Promise<HealthIndicatorResult> {
    const check = this.indicator.check(key);
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS).unref()),
      ]);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
