import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health';
import { ShutdownDrain } from './shutdown-drain';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownDrain,
  ) {}

  /** The process answers: for liveness probes. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Postgres and Redis answer and the process is not stopping: for readiness probes. 503 names what is wrong. */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    if (this.shutdown.shuttingDown) {
      throw new ServiceUnavailableException({ message: 'Not ready: shutting down', problem: { down: ['process'] } });
    }
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 1000 }),
        () => this.redis.isHealthy('redis'),
      ]);
    } catch (error) {
      const result = (error as { response?: HealthCheckResult }).response;
      if (!(error instanceof ServiceUnavailableException) || !result) throw error;
      const down = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({
        message: `Not ready: ${down.join(', ')} down`,
        problem: { checks: result.details, down },
      });
    }
  }
}
