import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { PermanentError } from '../../../shared/domain-error';
import { LeadsFacade } from '../../leads';
import { OutboxWriter } from '../../outbox';
import { BUSINESS_PRESETS, replyFor, type BusinessPreset } from '../domain/business-presets';
import { IntentClassifier } from '../ports/intent-classifier.port';

/**
 * Understands a client message and acts on it: updates the lead, queues the reply and the CRM sync. Runs in
 * the transaction of its outbox job, so it happens entirely or not at all.
 */
@Injectable()
export class TriageMessageUseCase {
  private readonly preset: BusinessPreset;

  constructor(
    private readonly leads: LeadsFacade,
    private readonly classifier: IntentClassifier,
    private readonly outbox: OutboxWriter,
    private readonly env: EnvironmentVariables,
  ) {
    this.preset = BUSINESS_PRESETS[env.BUSINESS_PRESET];
  }

  async execute(messageId: string): Promise<void> {
    const message = await this.leads.findMessage(messageId);
    if (!message || message.direction !== 'in') throw new PermanentError(`inbound message ${messageId} not found`);

    const triage = await this.classifier.classify(message.text);
    if (triage.intent === 'spam') {
      await this.leads.saveTriage(message.id, triage); // no reply, no lead, nothing for the CRM
      return;
    }

    const leadId = await this.leads.assess(
      message,
      triage,
      { intent: triage.intent, urgency: triage.urgency, escalate: triage.escalate, details: { ...triage.slots } },
      this.env.CRM_PROVIDER,
    );
    const reply = replyFor(this.preset, triage.intent, triage.slots);
    if (reply) {
      const replyId = await this.leads.addOutbound(message.conversationId, message.channel, reply);
      await this.outbox.add('reply.send', { messageId: replyId });
    }
    await this.outbox.add('crm.sync', { leadId });
  }
}
