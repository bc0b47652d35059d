import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { EnvironmentVariables } from '../../../../config/env.validation';

/**
 * Whether each operational condition was last seen firing, kept in Redis so that the workers (however many, and
 * across restarts) agree on it: a swap is atomic, so exactly one process sees a given transition and alerts once.
 * Should Redis lose the keys, a condition still firing is announced once more, which is the safe side.
 */
@Injectable()
export class OpsAlertStateStore implements OnApplicationShutdown {
  private redis?: IORedis;
  private readonly prefix: string;

  constructor(private readonly env: EnvironmentVariables) {
    this.prefix = `${env.QUEUE_PREFIX}:ops-alert:`;
  }

  /** Records the condition's state; returns the one recorded before (null: never recorded). */
  async swap(condition: string, firing: boolean): Promise<boolean | null> {
    const previous = await this.client().set(this.prefix + condition, firing ? '1' : '0', 'GET');
    return previous === null ? null : previous === '1';
  }

  /** Puts back what `swap` replaced, when the alert for the transition could not be raised. */
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
