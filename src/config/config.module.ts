import { DynamicModule, Global, Module } from '@nestjs/common';
import { RetryPolicy } from '../shared/retry-policy';
import { EnvironmentVariables } from './env.validation';

/** Makes the validated environment injectable everywhere, plus the values derived from it. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: EnvironmentVariables): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [
        { provide: EnvironmentVariables, useValue: env },
        {
          provide: RetryPolicy,
          useValue: new RetryPolicy({
            retries: env.RETRY_ATTEMPTS,
            baseMs: env.RETRY_BASE_MS,
            factor: env.RETRY_FACTOR,
            maxDelayMs: env.RETRY_MAX_DELAY_MS,
            jitterRatio: env.RETRY_JITTER_RATIO,
          }),
        },
      ],
      exports: [EnvironmentVariables, RetryPolicy],
    };
  }
}
