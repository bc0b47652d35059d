import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { DeadLetterDesk, type DeadLetterFilter } from '../../outbox';

const ACTOR = 'redrive';
const MAX_INTERVAL_MS = 5 * 60 * 1000;
/** Outages and blocks pass; a payload the CRM rejects (permanent) waits for a human. */
const REDRIVABLE: DeadLetterFilter = { topic: 'crm.sync', reason: ['exhausted', 'blocked'] };

/**
 * The slow redrive: a circuit breaker over the CRM's dead letters. While the CRM fails, dead letters wait
 * (open). Each tick sends one of them through again as a half-open probe; when the probe gets through, the
 * circuit closes and every waiting dead letter is replayed, through the same idempotent path as a first try.
 * A failed probe doubles the wait, up to five minutes.
 */
@Injectable()
export class CrmRedrive implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CrmRedrive.name);
  private timer?: NodeJS.Timeout;
  private probe: string | null = null;
  private interval: number;
  private stopped = false;

  constructor(
    private readonly desk: DeadLetterDesk,
    private readonly env: EnvironmentVariables,
  ) {
    this.interval = env.CRM_REDRIVE_INTERVAL_MS;
  }

  onApplicationBootstrap(): void {
    if (this.env.APP_ROLE === 'api' || !this.env.CRM_REDRIVE_ENABLED) return;
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick()
        .catch((error: Error) => this.logger.warn(`redrive failed: ${error.message}`))
        .finally(() => this.schedule());
    }, this.interval);
  }

  /** One step of the breaker; public so that tests and operators can drive it. */
  async tick(): Promise<'idle' | 'probing' | 'waiting' | 'closed'> {
    const from = new Date(Date.now() - this.env.DLQ_RETENTION_DAYS * 24 * 3600 * 1000);
    if (this.probe) {
      const outcome = await this.desk.replayOutcome(this.probe);
      if (outcome === 'pending') return 'waiting';
      this.probe = null;
      if (outcome === 'done') {
        const replayed = await this.desk.replayMatching({ ...REDRIVABLE, from }, ACTOR);
        this.interval = this.env.CRM_REDRIVE_INTERVAL_MS;
        this.logger.log(`the CRM answers again: replayed ${replayed} dead letters`);
        return 'closed';
      }
      this.interval = Math.min(this.interval * 2, MAX_INTERVAL_MS); // still failing: the probe is dead again
    }
    const probe = await this.desk.replayOldest({ ...REDRIVABLE, from }, ACTOR);
    if (!probe) return 'idle';
    this.probe = probe.replayOutboxId;
    return 'probing';
  }
}
