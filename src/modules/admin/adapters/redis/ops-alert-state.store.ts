import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { EnvironmentVariables } from '../../../../config/env.validation';
import type { OpsAlertState } from '../../ports/ops-alert-state.port';

/**
 * OpsAlertState kept in Redis, one key per condition (`<QUEUE_PREFIX>:ops-alert:<condition>`); `SET ... GET`
 * makes the swap atomic. Should Redis lose the keys, a condition still firing is announced once more.
 */
@Injectable()
export class OpsAlertStateStore implements OpsAlertState, OnApplicationShutdown {
  private redis?: IORedis;
  private readonly prefix: string;

  constructor(private readonly env: EnvironmentVariables) {
    this.prefix = `${env.QUEUE_PREFIX}:ops-alert:`;
  }

  async swap(condition: string, firing: boolean): Promise<boolean | null> {
    const previous = await this.client().set(this.prefix + condition, firing ? '1' : '0', 'GET');
    return previous === null ? null : previous === '1';
  }

  async restore(condition: string, previous: boolean | null): Promise<void> {
    if (previous === null) await this.client().del(this.prefix + condition);
    else await this.client().set(this.prefix + condition, previous ? '1' : '0');
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  /** Connected on first use: only processes that run the monitor need it. */
  private client(): IORedis {
    if (!this.redis) {
      this.redis = new IORedis(this.env.REDIS_URL, { maxRetriesPerRequest: 1 });
      this.redis.on('error', () => undefined); // a failed swap fails the check, which the monitor logs
    }
    return this.redis;
  }
}
