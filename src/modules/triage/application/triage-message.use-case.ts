import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { PermanentError } from '../../../shared/domain-error';
import { LeadsFacade, type ClientMessage, type StoredMessage } from '../../leads';
import { OutboxWriter, replyTopic } from '../../outbox';
import { Scenarios } from '../../settings';
import { DialogStore } from '../ports/dialog-store.port';
import type { Outcome } from '../domain/conversation/booking-flow';
import type { Dialog, DialogState } from '../domain/dialog-state';
import type { TriageResult } from '../domain/triage-result';
import { IntentClassifier, type ConversationTurn, type DialogSummary } from '../ports/intent-classifier.port';
import { ConversationRunner } from './conversation-runner';

const RECENT_TURNS = 6;

/** A client message with what the classifier made of it. */
export interface Understood {
  message: ClientMessage;
  triage: TriageResult;
}
/** A voice note, a photo or a sticker with no words: nothing to classify; the dialog answers by its kind. */
const WORDLESS: TriageResult = {
  intent: 'other',
  intents: ['other'],
  confidence: 1,
  urgency: 'hot',
  escalate: false,
  slots: {},
};

/**
 * Understands a client message and acts on it: classifies it, lets the conversation answer (or hand it to a
 * person), updates the lead and queues the reply and the CRM sync. Runs in the transaction of its outbox job,
 * with the conversation's dialog locked, so it happens entirely or not at all, one message of a client at a time.
 */
@Injectable()
export class TriageMessageUseCase {
  constructor(
    private readonly leads: LeadsFacade,
    private readonly classifier: IntentClassifier,
    private readonly dialogs: DialogStore,
    private readonly conversation: ConversationRunner,
    private readonly outbox: OutboxWriter,
    private readonly env: EnvironmentVariables,
    private readonly scenarios: Scenarios,
  ) {}

  /**
   * Reads and classifies the message. Read-only and possibly slow (an LLM), so the job runs it before its
   * transaction opens and hands the result to `execute`.
   */
  async understand(messageId: string): Promise<Understood> {
    const message = await this.inbound(messageId);
    return { message, triage: await this.classify(message) };
  }

  /** Acts on the message, in the job's transaction, with the conversation's dialog locked. */
  async execute({ message, triage }: Understood): Promise<void> {
    const dialog = await this.dialogs.lock(message.conversationId);
    if (triage.intent === 'spam' && !dialog.state.booking && !dialog.state.pending) {
      await this.leads.saveTriage(message.id, triage); // no reply, no lead, nothing for the CRM
      return;
    }

    const answer = dialog.handedOff ? null : await this.answer(message, dialog, triage);
    const handedOff = Boolean(answer?.effects.some((e) => e.kind === 'hand-off'));
    const send = replyTopic(message.channel);
    const written = await this.leads.assess(
      { ...message, contactId: answer?.contactId ?? message.contactId },
      triage,
      {
        intent: answer?.intent ?? triage.intent,
        urgency: triage.urgency,
        escalate: handedOff || Boolean(answer?.flagged) || (dialog.handedOff && triage.escalate),
        details: { ...triage.slots, ...answer?.details },
        status: answer?.leadStatus,
      },
      this.env.CRM_PROVIDER,
      this.outbox.followUp('crm.sync'),
      answer?.text ? { text: answer.text, buttons: answer.buttons, send: this.outbox.followUp(send) } : undefined,
    );
    this.outbox.publishCommitted(written.followUpId, 'crm.sync');
    if (written.replyFollowUpId) this.outbox.publishCommitted(written.replyFollowUpId, send);
  }

  private async classify(message: ClientMessage): Promise<TriageResult> {
    if (isWordless(message)) return WORDLESS;
    if (!this.classifier.readsContext) return this.classifier.classify(message.text);
    const recentMessages = await this.recentTurns(message);
    const state = await this.dialogs.peek(message.conversationId);
    return this.classifier.classify(message.text, {
      recentMessages,
      dialog: summaryOf(state),
      knownNames: message.contact.name ? [message.contact.name] : [],
    });
  }

  private async inbound(messageId: string): Promise<ClientMessage> {
    const message = await this.leads.findClientMessage(messageId);
    if (!message) throw new PermanentError(`inbound message ${messageId} not found`);
    return message;
  }

  /** The few messages before this one, for a classifier that reads context. */
  private async recentTurns(message: StoredMessage): Promise<ConversationTurn[]> {
    const history = await this.leads.messagesBefore(message, RECENT_TURNS);
    return history.map((m) => ({ from: m.direction === 'in' ? 'client' : 'bot', text: m.text }));
  }

  /**
   * The bot's answer. The agency's scenario for the intent may hand it to a person or switch the bot's reply off
   * (null); otherwise the conversation answers.
   */
  private async answer(
    message: ClientMessage,
    dialog: Dialog,
    triage: TriageResult,
  ): Promise<(Outcome & { contactId: string }) | null> {
    const scenario = await this.scenarios.forIntent(triage.intent);
    if (scenario?.escalate && !triage.escalate) {
      return this.conversation.answer(message, dialog, { ...triage, escalate: true, escalation: 'scenario' });
    }
    if (scenario && !scenario.enabled && !triage.escalate) return null;
    const outcome = await this.conversation.answer(message, dialog, triage);
    // The agency's own wording for an intent replaces the bot's plain answer to it (not a booking step).
    if (scenario && scenario.source !== 'preset' && outcome.effects.length === 0 && outcome.intent === triage.intent) {
      const configured = await this.scenarios.render(scenario, triage.slots);
      if (configured) return { ...outcome, text: configured };
    }
    return outcome;
  }
}

/** What a classifier that reads context should know of the dialog. */
function summaryOf(state: DialogState): DialogSummary {
  const summary: DialogSummary = {};
  if (state.booking?.serviceName) summary.service = state.booking.serviceName;
  if (state.booking?.offered?.length) summary.offered = state.booking.offered.map((slot) => slot.label);
  if (state.booking?.awaiting) summary.awaiting = state.booking.awaiting;
  if (state.pending) summary.confirmingCancel = true;
  return summary;
}

/** A voice message, a photo, a sticker without words. */
function isWordless(message: StoredMessage): boolean {
  return message.attachment !== null && message.text.trim() === '';
}
