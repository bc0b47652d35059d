import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { EnvironmentVariables } from '../../../../config/env.validation';

/** A Redis connection for state the LLM adapters share across processes (GigaChat's token), opened on first use. */
@Injectable()
export class LlmRedis implements OnApplicationShutdown {
  private redis?: IORedis;

  constructor(private readonly env: EnvironmentVariables) {}

  client(): IORedis {
    if (!this.redis) {
      // A command fails fast while Redis is away: the hybrid falls back to the offline model meanwhile.
      this.redis = new IORedis(this.env.REDIS_URL, { maxRetriesPerRequest: 1 });
      this.redis.on('error', () => undefined);
    }
    return this.redis;
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
