import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AppConfigModule } from './config/config.module';
import { EnvironmentVariables } from './config/env.validation';
import { redisConnection } from './config/redis-connection';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { validationPipe } from './http/validation.pipe';
import { AdminModule } from './modules/admin';
import { ChannelsModule } from './modules/channels';
import { CrmModule } from './modules/crm';
import { LeadsModule } from './modules/leads';
import { NotificationsModule } from './modules/notifications';
import { OutboxModule } from './modules/outbox';
import { SchedulingModule } from './modules/scheduling';
import { SettingsModule } from './modules/settings';
import { TriageModule } from './modules/triage';
import { loggerParams } from './observability/logging';

@Module({})
export class AppModule {
  static forRoot(env: EnvironmentVariables): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggerModule.forRoot(loggerParams(env.LOG_LEVEL, env.HTTP_LOG_SLOW_MS)),
        DatabaseModule,
        BullModule.forRoot({
          connection: redisConnection(env.REDIS_URL),
          prefix: env.QUEUE_PREFIX,
          defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
        }),
        OutboxModule,
        LeadsModule,
        SchedulingModule,
        SettingsModule,
        ChannelsModule.forRoot(env),
        TriageModule,
        CrmModule,
        NotificationsModule,
        AdminModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useValue: validationPipe },
      ],
    };
  }
}
