import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { PersonalDataStore } from '../ports/personal-data-store.port';
import { retentionCutoffs } from '../domain/personal-data';

const BATCH = 1000;

export interface PurgeResult {
  messages: number;
  inboundEvents: number;
}

/**
 * Keeps personal data no longer than needed (152-FZ), where the workers run: message texts past
 * MESSAGE_RETENTION_DAYS are blanked (the rows stay for the KPIs), raw webhook bodies past
 * INBOUND_EVENT_RETENTION_DAYS are deleted. Leads already filed in the CRM keep their transcript there.
 * Small batches, each its own statement, so no long lock; several workers may run it at once.
 */
@Injectable()
export class PersonalDataRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PersonalDataRetention.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly repository: PersonalDataStore,
    private readonly env: EnvironmentVariables,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.APP_ROLE === 'api') return;
    const tick = () => {
      this.running ??= this.purgeExpired()
        .then(() => undefined)
        .catch((error: Error) => this.logger.warn(`retention purge failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(tick, this.env.PERSONAL_DATA_PURGE_INTERVAL_MS);
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true; // a long backlog resumes at the next start, batch by batch
    clearInterval(this.timer);
    await this.running;
  }

  async purgeExpired(now = new Date()): Promise<PurgeResult> {
    const cutoffs = retentionCutoffs(now, {
      messageDays: this.env.MESSAGE_RETENTION_DAYS,
      inboundEventDays: this.env.INBOUND_EVENT_RETENTION_DAYS,
    });
    const result = {
      messages: await this.drain((limit) => this.repository.blankMessagesBefore(cutoffs.messagesBefore, limit)),
      inboundEvents: await this.drain((limit) =>
        this.repository.deleteInboundEventsBefore(cutoffs.inboundEventsBefore, limit),
      ),
    };
    if (result.messages + result.inboundEvents > 0) {
      this.logger.log(
        `retention: blanked ${result.messages} message texts, deleted ${result.inboundEvents} raw webhook events`,
      );
    }
    return result;
  }

  private async drain(batch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await batch(BATCH);
      total += done;
      if (done < BATCH || this.stopping) return total;
    }
  }
}
