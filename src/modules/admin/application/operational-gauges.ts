import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { readOperationalGaugesFrom, type OperationalReadings } from '../../../observability/metrics';
import { OpsFacts } from '../ports/ops-facts.port';
import { QueueBacklog } from '../ports/queue-backlog.port';

/**
 * Feeds the gauges of shared state in GET /metrics (volna_dead_letters, volna_queue_backlog,
 * volna_outbox_lag_seconds) from Postgres and Redis when Prometheus scrapes. A source that does not answer leaves
 * its series out of that scrape rather than repeating an old value.
 */
@Injectable()
export class OperationalGauges implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OperationalGauges.name);
  private stopReading?: () => void;

  constructor(
    private readonly facts: OpsFacts,
    private readonly queues: QueueBacklog,
  ) {}

  onModuleInit(): void {
    this.stopReading = readOperationalGaugesFrom(() => this.read());
  }

  onModuleDestroy(): void {
    this.stopReading?.();
  }

  async read(): Promise<OperationalReadings> {
    const [openDeadLetters, outboxLagSeconds, backlog] = await Promise.all([
      this.attempt('dead letters', () => this.facts.openDeadLetters()),
      this.attempt('outbox lag', () => this.facts.outboxLagSeconds()),
      this.attempt('queue backlog', () => this.queues.read()),
    ]);
    const queueBacklog = backlog
      ? Object.fromEntries(Object.entries(backlog).map(([queue, jobs]) => [queue, jobs.ready + jobs.delayed]))
      : null;
    return { openDeadLetters, outboxLagSeconds, queueBacklog };
  }

  private async attempt<T>(what: string, read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      this.logger.warn(`metrics: ${what} not read: ${(error as Error).message}`);
      return null;
    }
  }
}
