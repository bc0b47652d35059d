import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EnvironmentVariables } from '../../../../config/env.validation';
import { UnitOfWork } from '../../../../shared/unit-of-work';
import { OutboxRepository, type StaleEntry } from '../persistence/outbox.repository';
import { OUTBOX_TOPICS, outboxJobId } from '../../outbox.topics';
import { OutboxPublisher } from './outbox.publisher';

const BATCH = 200;
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * The safety net of the outbox: every few seconds it re-publishes pending rows whose job never reached Redis
 * or has vanished from it (Redis flushed or restarted without persistence, a job failed outside the runner).
 * A row is looked at once it has been unpublished for OUTBOX_LEASE_MS; when Redis has lost its data, at once: the
 * relay keeps a marker key there, and a sweep that finds it gone checks every pending row. Without that, a Redis
 * restart delayed first replies by up to the lease (bench:chaos: p95 53 s).
 * It also purges dead letters and finished rows past the retention window.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastPurge = 0;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly publisher: OutboxPublisher,
    private readonly uow: UnitOfWork,
    private readonly env: EnvironmentVariables,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.APP_ROLE === 'api') return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined)
        .catch((error: Error) => this.logger.warn(`sweep failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.env.OUTBOX_SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many rows were published again. */
  async sweep(): Promise<number> {
    const emptied = await this.redisWasEmptied();
    if (emptied) this.logger.warn('Redis has lost its data (or this is the first sweep): checking every pending row');
    const leaseMs = emptied ? 0 : this.env.OUTBOX_LEASE_MS;
    let republished = 0;
    let afterId = '0';
    for (;;) {
      const stale = await this.uow.run(() => this.repository.claimStale(leaseMs, BATCH, afterId));
      if (stale.length > 0) afterId = stale[stale.length - 1].id;
      const lost = await this.filterLost(stale);
      if (lost.length > 0) {
        await this.publisher.publish(lost.map((entry) => ({ ...entry, notBefore: entry.nextAttemptAt })));
        republished += lost.length;
        this.logger.warn(`re-published ${lost.length} outbox rows whose jobs were missing`);
      }
      if (stale.length < BATCH) break;
    }
    await this.purgeIfDue();
    return republished;
  }

  /** True when the marker key is missing, i.e. on the first sweep and after Redis lost everything; sets it again. */
  private async redisWasEmptied(): Promise<boolean> {
    // get-then-set, not SET NX: bullmq's client interface has no NX. Two relays racing both sweep fully, harmlessly.
    const client = await this.publisher.queue(OUTBOX_TOPICS[0]).client;
    const key = `${this.env.QUEUE_PREFIX}:outbox-relay:marker`;
    if (await client.get(key)) return false;
    await client.set(key, new Date().toISOString());
    return true;
  }

  /** The entries whose job is not live in Redis. The checks go out together: one round trip, not one per row. */
  private async filterLost(entries: StaleEntry[]): Promise<StaleEntry[]> {
    const states = await Promise.all(
      entries.map((entry) => this.publisher.queue(entry.topic).getJobState(outboxJobId(entry.id))),
    );
    const lost = entries.filter((_, i) => !LIVE_STATES.has(states[i]));
    // Completed or failed while the row is still pending: remove the job so the same id can run again.
    const finished = entries.filter((_, i) => !LIVE_STATES.has(states[i]) && states[i] !== 'unknown');
    await Promise.all(
      finished.map((entry) =>
        this.publisher
          .queue(entry.topic)
          .remove(outboxJobId(entry.id))
          .catch(() => undefined),
      ),
    );
    return lost;
  }

  private async purgeIfDue(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    await this.purgeExpired();
  }

  /** Deletes dead letters, and finished rows, older than DLQ_RETENTION_DAYS. */
  async purgeExpired(): Promise<{ deadLetters: number; done: number }> {
    const purged = await this.repository.purgeOlderThan(this.env.DLQ_RETENTION_DAYS);
    if (purged.deadLetters > 0) this.logger.log(`purged ${purged.deadLetters} dead letters past retention`);
    return purged;
  }
}
