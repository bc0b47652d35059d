import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { PermanentError } from '../../../shared/domain-error';
import { maskPhone } from '../../../shared/phone';
import { LeadsFacade, type StoredMessage } from '../../leads';
import { ManagerAlerts } from '../../notifications';
import { OutboxWriter } from '../../outbox';
import { Scenarios } from '../../settings';
import { DialogRepository } from '../adapters/persistence/dialog.repository';
import {
  ATTACHMENT_REPLY,
  BUSINESS_PRESETS,
  buttonsFor,
  replyFor,
  type BusinessPreset,
} from '../domain/business-presets';
import type { Dialog } from '../domain/dialog-state';
import { handoffReason } from '../domain/handoff';
import type { TriageResult } from '../domain/triage-result';
import { IntentClassifier, type ConversationTurn } from '../ports/intent-classifier.port';
import { BookingDialog, type Answer } from './booking-dialog';

const RECENT_TURNS = 6;
const UNREADABLE: TriageResult = { intent: 'human', confidence: 1, urgency: 'hot', escalate: true, slots: {} };

/**
 * Understands a client message and acts on it: classifies it, lets the dialog answer (or hands the conversation to
 * a person), updates the lead and queues the reply and the CRM sync. Runs in the transaction of its outbox job,
 * with the conversation's dialog locked, so it happens entirely or not at all, one message of a client at a time.
 */
@Injectable()
export class TriageMessageUseCase {
  private readonly preset: BusinessPreset;

  constructor(
    private readonly leads: LeadsFacade,
    private readonly classifier: IntentClassifier,
    private readonly dialogs: DialogRepository,
    private readonly booking: BookingDialog,
    private readonly alerts: ManagerAlerts,
    private readonly outbox: OutboxWriter,
    private readonly env: EnvironmentVariables,
    private readonly scenarios: Scenarios,
  ) {
    this.preset = BUSINESS_PRESETS[env.BUSINESS_PRESET];
  }

  /**
   * Classifies the message. Read-only and possibly slow (an LLM), so the job runs it before its transaction opens
   * and hands the result to `execute`.
   */
  async understand(messageId: string): Promise<TriageResult> {
    const message = await this.inbound(messageId);
    if (isUnreadable(message)) return UNREADABLE;
    return this.classifier.classify(message.text, { recentMessages: await this.recentTurns(message) });
  }

  /** Acts on the message, in the job's transaction; classifies it first unless `understood` is given. */
  async execute(messageId: string, understood?: TriageResult): Promise<void> {
    const message = await this.inbound(messageId);
    const dialog = await this.dialogs.lock(message.conversationId);
    const unreadable = isUnreadable(message);
    const triage = understood ?? (await this.understand(messageId));
    if (triage.intent === 'spam' && !dialog.state.booking && !dialog.state.pending) {
      await this.leads.saveTriage(message.id, triage); // no reply, no lead, nothing for the CRM
      return;
    }

    const answer = dialog.handedOff ? null : await this.answer(message, dialog, triage, unreadable);
    const leadId = await this.leads.assess(
      message,
      triage,
      {
        intent: answer?.intent ?? triage.intent,
        urgency: triage.urgency,
        escalate: Boolean(answer?.handOff) || (dialog.handedOff && triage.escalate),
        details: { ...triage.slots, ...answer?.details },
      },
      this.env.CRM_PROVIDER,
    );
    if (answer?.leadStatus) await this.leads.setLeadStatus(leadId, answer.leadStatus);
    if (answer) {
      const replyId = await this.leads.addOutbound(
        message.conversationId,
        message.channel,
        answer.text,
        answer.buttons,
      );
      await this.outbox.add('reply.send', { messageId: replyId });
    }
    await this.outbox.add('crm.sync', { leadId });
  }

  private async inbound(messageId: string): Promise<StoredMessage> {
    const message = await this.leads.findMessage(messageId);
    if (!message || message.direction !== 'in') throw new PermanentError(`inbound message ${messageId} not found`);
    return message;
  }

  /** The few messages before this one, for a classifier that reads context. */
  private async recentTurns(message: StoredMessage): Promise<ConversationTurn[]> {
    const history = (await this.leads.conversationMessages(message.channel, message.threadId)) ?? [];
    return history
      .filter((m) => m.id !== message.id && m.createdAt <= message.createdAt)
      .slice(-RECENT_TURNS)
      .map((m) => ({ from: m.direction === 'in' ? 'client' : 'bot', text: m.text }));
  }

  /**
   * The bot's answer, unless a person already has the conversation (then the bot stays silent). The agency's
   * scenario for the intent may hand it to a person, switch the template reply off (null) or word it.
   */
  private async answer(
    message: StoredMessage,
    dialog: Dialog,
    triage: TriageResult,
    unreadable: boolean,
  ): Promise<Answer | null> {
    const scenario = await this.scenarios.forIntent(triage.intent);
    const reason = unreadable ? 'attachment' : (handoffReason(triage) ?? (scenario?.escalate ? 'scenario' : null));
    if (reason) return this.handOff(message, reason, triage, unreadable);
    const dialogAnswer = await this.booking.answer(message, dialog, triage);
    if (dialogAnswer) return dialogAnswer;
    if (scenario && !scenario.enabled) return null;
    const configured =
      scenario && scenario.source !== 'preset' ? await this.scenarios.render(scenario, triage.slots) : '';
    return {
      text: configured || (replyFor(this.preset, triage.intent, triage.slots) ?? replyFor(this.preset, 'other', {})!),
      buttons: buttonsFor(triage.intent),
    };
  }

  private async handOff(
    message: StoredMessage,
    reason: string,
    triage: TriageResult,
    unreadable: boolean,
  ): Promise<Answer> {
    await this.dialogs.handOff(message.conversationId, reason);
    const client = await this.leads.contactOf(message.contactId);
    const who = [client?.name ?? 'Без имени', client?.phone ? maskPhone(client.phone) : null]
      .filter(Boolean)
      .join(', ');
    await this.alerts.raise({
      groupKey: `handoff:${message.conversationId}`,
      title: `Клиенту нужен человек (${message.channel}, ${reasonRu(reason)}): бот молчит до ответа менеджера`,
      sample: `${who}: «${message.text.slice(0, 300) || '[вложение]'}» — разговор ${message.conversationId}`,
    });
    const intent = triage.intent === 'complaint' || triage.intent === 'human' ? triage.intent : 'consultation';
    return {
      text: unreadable ? ATTACHMENT_REPLY : replyFor(this.preset, intent, triage.slots)!,
      buttons: [],
      handOff: reason,
      leadStatus: 'escalated',
    };
  }
}

/** A voice message, a photo, a sticker without words: the bot cannot read it. */
function isUnreadable(message: StoredMessage): boolean {
  return message.attachment !== null && message.text.trim() === '';
}

function reasonRu(reason: string): string {
  return (
    {
      attachment: 'голосовое или вложение',
      consultation: 'вопрос к специалисту',
      complaint: 'жалоба',
      human: 'просит человека',
      escalate: 'сложный случай',
      'low-confidence': 'бот не понял',
      scenario: 'так настроен сценарий',
    }[reason] ?? reason
  );
}
