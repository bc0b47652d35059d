import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import IORedis from 'ioredis';
import { EnvironmentVariables } from '../config/env.validation';
import { UnitOfWork } from '../shared/unit-of-work';

/** The longest a process keeps a value should it miss a change notice (Redis down at that moment). */
export const SETTINGS_CACHE_TTL_MS = 15_000;

/**
 * What the bot reads for every message and an admin changes a few times a month (business profile, scenarios,
 * services, staff), kept in memory. A change anywhere in the instance empties the cache of every process: the
 * writer calls `changed()` in its transaction, and once that commits every process hears of it over Redis.
 */
@Injectable()
export class SettingsCache implements OnModuleDestroy {
  private readonly logger = new Logger(SettingsCache.name);
  private readonly entries = new Map<string, { value: Promise<unknown>; expiresAt: number }>();
  private readonly channel: string;
  private publisher?: IORedis;
  private subscriber?: IORedis;

  constructor(
    private readonly env: EnvironmentVariables,
    private readonly uow: UnitOfWork,
  ) {
    this.channel = `${env.QUEUE_PREFIX}:settings-changed`;
  }

  /** The cached value of `key`, loaded once by `load` until the settings change. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    this.listen();
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value as Promise<T>;
    const value = load();
    this.entries.set(key, { value, expiresAt: now + SETTINGS_CACHE_TTL_MS });
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    return value;
  }

  /** Settings were written in the current transaction: every process forgets them once it commits. */
  changed(): void {
    this.uow.afterCommit(() => {
      this.entries.clear();
      this.publisher ??= this.connect();
      this.publisher.publish(this.channel, String(process.pid)).catch((error: Error) => {
        this.logger.warn(`settings change not announced, other processes see it within the TTL: ${error.message}`);
      });
    });
  }

  async onModuleDestroy(): Promise<void> {
    for (const client of [this.subscriber, this.publisher]) client?.disconnect();
  }

  private listen(): void {
    if (this.subscriber) return;
    this.subscriber = this.connect();
    this.subscriber.on('message', () => this.entries.clear());
    // Reconnected, it may have missed a notice: start afresh.
    let connections = 0;
    this.subscriber.on('ready', () => connections++ > 0 && this.entries.clear());
    this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  private connect(): IORedis {
    const client = new IORedis(this.env.REDIS_URL, { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined); // entries expire within the TTL without Redis
    return client;
  }
}
