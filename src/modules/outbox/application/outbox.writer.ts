import { Injectable } from '@nestjs/common';
import { captureTraceContext } from '../../../observability/trace-context';
import { UnitOfWork } from '../../../shared/unit-of-work';
import type { OutboxPayloads, OutboxTopic } from '../outbox.topics';
import { JobQueue } from '../ports/job-queue.port';
import { OutboxStore } from '../ports/outbox-store.port';

/**
 * Records a side effect as an outbox row in the caller's transaction; once that transaction commits the row
 * is published to its queue. The row, not the job, is what guarantees the effect happens.
 */
@Injectable()
export class OutboxWriter {
  constructor(
    private readonly repository: OutboxStore,
    private readonly publisher: JobQueue,
    private readonly uow: UnitOfWork,
  ) {}

  /** `delayMs` or `notBefore` holds the work back (gathering a burst of alerts, a reminder due tomorrow). */
  async add<T extends OutboxTopic>(
    topic: T,
    payload: OutboxPayloads[T],
    options: { delayMs?: number; notBefore?: Date } = {},
  ): Promise<string> {
    const notBefore = options.notBefore ?? (options.delayMs ? new Date(Date.now() + options.delayMs) : undefined);
    const traceContext = captureTraceContext();
    const id = await this.repository.insert(topic, payload, traceContext, notBefore);
    this.uow.afterCommit(() =>
      this.publisher.publishSoon({ id, topic, notBefore, carried: { payload, traceContext } }),
    );
    return id;
  }

  /** What another module's statement needs to write a row of `topic` itself with `outbox_add`. */
  followUp(topic: OutboxTopic): { topic: OutboxTopic; traceContext: Record<string, string> } {
    return { topic, traceContext: captureTraceContext() };
  }

  /**
   * Publishes a row another module wrote with `outbox_add`: at once outside a transaction (the statement has
   * committed), after the commit inside one. `carried`: the row's payload and trace, when the caller knows them.
   */
  publishCommitted<T extends OutboxTopic>(
    id: string,
    topic: T,
    carried?: { payload: OutboxPayloads[T]; traceContext: Record<string, string> },
  ): void {
    this.uow.afterCommit(() => this.publisher.publishSoon({ id, topic, carried }));
  }
}
