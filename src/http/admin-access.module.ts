import { Global, Module } from '@nestjs/common';
import { EnvironmentVariables } from '../config/env.validation';
import { AdminAuthAttempts } from './admin-auth-attempts';
import { AdminTokens, parseReadonlyTokens } from './admin-tokens';

/**
 * What AdminAuthGuard needs, available to every module: admin controllers live in several modules, and each one
 * instantiates the guard from its own injector. One failed-login counter (one Redis connection) per process.
 */
@Global()
@Module({
  providers: [
    {
      provide: AdminTokens,
      inject: [EnvironmentVariables],
      useFactory: (env: EnvironmentVariables) => {
        const { tokens, problems } = parseReadonlyTokens(env.ADMIN_READONLY_TOKENS);
        if (problems.length > 0) throw new Error(`ADMIN_READONLY_TOKENS: ${problems.join('; ')}`); // validated at start
        return new AdminTokens(env.ADMIN_API_TOKEN, tokens);
      },
    },
    AdminAuthAttempts,
  ],
  exports: [AdminTokens, AdminAuthAttempts],
})
export class AdminAccessModule {}
