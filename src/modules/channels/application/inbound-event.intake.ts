import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../shared/domain-error';
import { webhookAccepted, webhookRejected } from '../../../observability/metrics';
import { captureTraceContext } from '../../../observability/trace-context';
import type { Channel } from '../../leads';
import { OutboxWriter } from '../../outbox';
import { InboundEventStore } from '../ports/inbound-event-store.port';

/** A webhook call we refuse before storing anything: 401 without valid credentials, 403 with wrong ones. */
export class WebhookRejectedError extends DomainError {
  readonly code: string;
  constructor(status: 401 | 403, detail: string) {
    super(detail);
    this.code = status === 401 ? 'WEBHOOK.UNAUTHENTICATED' : 'WEBHOOK.FORBIDDEN';
  }
}

/**
 * The front door of every messenger webhook. `accept` stores the raw event under the provider's unique key
 * together with the outbox row that will process it, in one statement; only then may the controller answer 2xx.
 * A provider's retry of a stored event changes nothing.
 */
@Injectable()
export class InboundEventIntake {
  constructor(
    private readonly events: InboundEventStore,
    private readonly outbox: OutboxWriter,
  ) {}

  async accept(channel: Channel, eventKey: string, payload: unknown): Promise<{ duplicate: boolean }> {
    const { followUpId } = await this.events.accept(channel, eventKey, payload, captureTraceContext());
    if (followUpId) this.outbox.publishCommitted(followUpId, 'inbound.process');
    webhookAccepted.inc({ channel, outcome: followUpId ? 'new' : 'duplicate' });
    return { duplicate: followUpId === null };
  }

  /** Counts the refusal (`reason`: a short slug such as bad-signature) and returns the error to throw. */
  reject(channel: Channel, status: 401 | 403, reason: string, detail: string): WebhookRejectedError {
    webhookRejected.inc({ channel, reason });
    return new WebhookRejectedError(status, detail);
  }
}
