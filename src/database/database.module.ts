import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentVariables } from '../config/env.validation';
import { UnitOfWork } from '../shared/unit-of-work';
import { prepareDatabase } from './prepare-database';
import { SettingsCache } from './settings-cache';
import { TypeOrmUnitOfWork } from './typeorm-unit-of-work';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [EnvironmentVariables],
      useFactory: async (env: EnvironmentVariables) => {
        if (env.MIGRATIONS_RUN) await prepareDatabase(env.DATABASE_URL);
        return {
          type: 'postgres' as const,
          url: env.DATABASE_URL,
          synchronize: false,
          migrationsRun: false,
          autoLoadEntities: true,
          extra: { max: env.DATABASE_POOL_SIZE, connectionTimeoutMillis: 5000 },
          retryAttempts: 3,
          retryDelay: 1000,
        };
      },
    }),
  ],
  providers: [TypeOrmUnitOfWork, { provide: UnitOfWork, useExisting: TypeOrmUnitOfWork }, SettingsCache],
  exports: [TypeOrmUnitOfWork, UnitOfWork, SettingsCache],
})
export class DatabaseModule {}
