import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../shared/unit-of-work';
import type { DeadLetter, DeadLetterFilter } from '../domain/dead-letter';
import { DeadLetterDiscardedError, DeadLetterNotFoundError } from '../domain/outbox.errors';
import type { OutboxPayloads, OutboxTopic } from '../outbox.topics';
import { DeadLetterStore } from '../ports/dead-letter-store.port';
import { OutboxWriter } from './outbox.writer';

const REPLAY_BATCH = 100;

/**
 * What the manager (through the admin API) and the slow redrive do with dead letters. A replay files a new
 * outbox row for the same work, so it takes the same idempotent path as the first try; the dead letter stays
 * as the record of what failed, marked replayed.
 */
@Injectable()
export class DeadLetterDesk {
  constructor(
    private readonly repository: DeadLetterStore,
    private readonly outbox: OutboxWriter,
    private readonly uow: UnitOfWork,
  ) {}

  list(filter: DeadLetterFilter, limit: number, offset: number): Promise<{ items: DeadLetter[]; total: number }> {
    return this.repository.list(filter, limit, offset);
  }

  replay(id: string, actor: string): Promise<DeadLetter> {
    return this.uow.run(async () => {
      const deadLetter = await this.repository.lock(id);
      if (!deadLetter) throw new DeadLetterNotFoundError(id);
      if (deadLetter.state === 'discarded') throw new DeadLetterDiscardedError(id);
      return this.refile(deadLetter, actor);
    });
  }

  /** Replays every open dead letter matching the filter; returns how many. */
  async replayMatching(filter: DeadLetterFilter, actor: string): Promise<number> {
    let replayed = 0;
    for (;;) {
      const batch = await this.uow.run(async () => {
        const open = await this.repository.lockOpen(filter, REPLAY_BATCH);
        for (const deadLetter of open) await this.refile(deadLetter, actor);
        return open.length;
      });
      replayed += batch;
      if (batch < REPLAY_BATCH) return replayed;
    }
  }

  /** Replays the oldest open dead letter matching the filter, if any: a probe of whether the work goes through now. */
  replayOldest(filter: DeadLetterFilter, actor: string): Promise<DeadLetter | null> {
    return this.uow.run(async () => {
      const [oldest] = await this.repository.lockOpen(filter, 1);
      return oldest ? this.refile(oldest, actor) : null;
    });
  }

  /** How the work a replay filed has gone: pending, done, or dead again. */
  replayOutcome(replayOutboxId: string): Promise<'pending' | 'done' | 'dead' | null> {
    return this.repository.outboxStatus(replayOutboxId);
  }

  discard(id: string, actor: string): Promise<DeadLetter> {
    return this.uow.run(async () => {
      const deadLetter = await this.repository.lock(id);
      if (!deadLetter) throw new DeadLetterNotFoundError(id);
      await this.repository.markDiscarded(id, actor);
      return { ...deadLetter, state: 'discarded', discardedAt: new Date(), discardedBy: actor };
    });
  }

  private async refile(deadLetter: DeadLetter, actor: string): Promise<DeadLetter> {
    const topic = deadLetter.topic as OutboxTopic;
    const outboxId = await this.outbox.add(topic, deadLetter.payload as OutboxPayloads[typeof topic]);
    await this.repository.markReplayed(deadLetter.id, outboxId, actor);
    return { ...deadLetter, state: 'replayed', replayedAt: new Date(), replayOutboxId: outboxId, replayedBy: actor };
  }
}
