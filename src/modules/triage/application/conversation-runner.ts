import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { EnvironmentVariables } from '../../../config/env.validation';
import { maskPhone, normalizePhone } from '../../../shared/phone';
import { LeadsFacade, type ClientMessage, type StoredMessage } from '../../leads';
import { ManagerAlerts, REMINDER_BUTTONS, VisitReminders } from '../../notifications';
import { readWantedTime, SchedulingFacade, SlotTakenError, type Service } from '../../scheduling';
import { BusinessProfile, describeHours } from '../../settings';
import { converse, type Effect, type Need, type Outcome } from '../domain/conversation/booking-flow';
import type { ConversationFacts, DayHours, SlotFact, WantedReading } from '../domain/conversation/conversation-facts';
import { pastDayNamed } from '../domain/conversation/past-day';
import { dailySpans, openingState } from '../domain/conversation/opening-hours';
import { russianServiceWords, russianTimeWords } from '../domain/conversation/service-words';
import type { Dialog } from '../domain/dialog-state';
import type { TriageResult } from '../domain/triage-result';
import { DialogStore } from '../ports/dialog-store.port';

type Contact = ConversationFacts['contact'];

/** A flow that keeps asking for facts is a bug; this many rounds is far more than any message needs. */
const MAX_ROUNDS = 8;

/**
 * Runs the booking flow for one client message: loads the facts it decides on, answers its requests for more (the
 * client's visits, free slots, which it holds for the conversation), and carries out the outcome's effects in the
 * message's transaction. A slot someone else took at the last moment goes back to the flow, which offers others.
 */
@Injectable()
export class ConversationRunner {
  constructor(
    private readonly scheduling: SchedulingFacade,
    private readonly reminders: VisitReminders,
    private readonly leads: LeadsFacade,
    private readonly dialogs: DialogStore,
    private readonly alerts: ManagerAlerts,
    private readonly profile: BusinessProfile,
    private readonly env: EnvironmentVariables,
  ) {}

  /** The outcome, and the contact the message belongs to now (a phone typed in it may have merged two contacts). */
  async answer(message: ClientMessage, dialog: Dialog, triage: TriageResult): Promise<Outcome & { contactId: string }> {
    const { contactId, contact } = await this.rememberContact(message, triage);
    let facts = await this.facts(message, triage, contact);
    const understood = { text: message.text, triage, attachment: message.attachment ?? undefined };
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const step = converse(dialog.state, understood, facts);
      if ('need' in step) {
        facts = await this.provide(step.need, facts, message, contactId);
        continue;
      }
      const taken = await this.carryOut(step.outcome, message, contactId);
      if (taken) {
        facts = { ...facts, taken, searches: undefined };
        continue;
      }
      if (!step.outcome.effects.some((e) => e.kind === 'hand-off')) {
        await this.dialogs.save(message.conversationId, step.outcome.state, dialog.state);
      }
      return { ...step.outcome, contactId };
    }
    throw new Error(`the booking flow did not settle in ${MAX_ROUNDS} rounds`);
  }

  /** A phone typed in the text goes on the contact at once (merging with the contact who has it already). */
  private async rememberContact(
    message: ClientMessage,
    triage: TriageResult,
  ): Promise<{ contactId: string; contact: Contact }> {
    const phone = triage.slots.phone ? normalizePhone(triage.slots.phone) : null;
    // Usually the contact has it already (the widget's phone field, a shared contact card): nothing to merge.
    if (!phone || message.contact.phone === phone) return { contactId: message.contactId, contact: message.contact };
    const contactId = await this.leads.completeContact(message.contactId, { phone, name: triage.slots.name });
    const merged = await this.leads.contactOf(contactId);
    return { contactId, contact: { name: merged?.name ?? null, phone: merged?.phone ?? phone } };
  }

  private async facts(message: StoredMessage, triage: TriageResult, contact: Contact): Promise<ConversationFacts> {
    // One after the other: inside the job's transaction they share one connection.
    const profile = await this.profile.get();
    const services = await this.scheduling.listServices();
    const serviceHours = await this.scheduling.serviceHours();
    const zone = profile.timeZone;
    const now = DateTime.now().setZone(zone);
    const named = await this.namedServices(message.text, triage, services);
    const weekly: DayHours[] = profile.hours?.weekly ?? dailySpans(Object.values(serviceHours).flat());
    const wanted = wantedTime(triage.lang === 'en' ? russianTimeWords(message.text) : message.text, now, zone);
    return {
      now: now.toISO()!,
      zone,
      preset: profile.preset,
      services: services.map((s) => ({ id: s.id, name: s.name, priceRub: s.priceRub })),
      named: named.map((s) => ({ id: s.id, name: s.name, priceRub: s.priceRub })),
      namesAService: named.length > 0 || Boolean(triage.slots.service),
      wanted,
      serviceHours: Object.fromEntries(Object.entries(serviceHours).map(([id, hours]) => [id, dailySpans(hours)])),
      contact,
      business: {
        address: profile.address,
        hoursText: profile.hoursText ?? describeHours({ text: null, weekly }),
        ...openingState(weekly, now.toISO()!, zone),
      },
      overrides: {},
      reminderButtons: { confirm: REMINDER_BUTTONS[0], move: REMINDER_BUTTONS[1], cancel: REMINDER_BUTTONS[2] },
    };
  }

  /** The services the message names: the rules' service phrase, else the words of the message (English too). */
  private async namedServices(text: string, triage: TriageResult, services: Service[]): Promise<Service[]> {
    if (services.length === 0 || !text.trim()) return [];
    const queries = [triage.slots.service, russianServiceWords(text), text].filter((q): q is string => Boolean(q));
    for (const query of queries) {
      const found = await this.scheduling.matchServices(query);
      if (found.length > 0) return found;
    }
    return [];
  }

  private async provide(
    need: Need,
    facts: ConversationFacts,
    message: StoredMessage,
    contactId: string,
  ): Promise<ConversationFacts> {
    if (need.kind === 'visits') {
      const visits = await this.scheduling.upcomingFor(contactId);
      return {
        ...facts,
        visits: visits.map((v) => ({
          id: v.id,
          serviceId: v.serviceId,
          serviceName: v.serviceName,
          startsAt: v.startsAt.toISOString(),
        })),
      };
    }
    await this.scheduling.releaseHolds(message.conversationId);
    const free: Array<{ staffId: string; startsAt: Date }> = [];
    for (const window of need.windows) {
      const from = new Date(window.from);
      const to = new Date(window.to);
      if (to <= from) continue;
      free.push(
        ...(await this.scheduling.findFreeSlots({
          serviceId: need.serviceId,
          from,
          to,
          limit: need.take === 'last' ? 200 : need.limit * 2,
          conversationId: message.conversationId,
        })),
      );
      if (need.take === 'first' && free.length >= need.limit * 2) break;
    }
    const ordered = need.take === 'last' ? free.reverse() : free;
    const found: SlotFact[] = [];
    for (const slot of ordered) {
      if (found.length === need.limit) break;
      const holdId = await this.hold(message, need.serviceId, slot.staffId, slot.startsAt);
      if (holdId) found.push({ staffId: slot.staffId, startsAt: slot.startsAt.toISOString(), holdId });
    }
    found.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    return { ...facts, searches: { ...facts.searches, [need.key]: found } };
  }

  private async hold(message: StoredMessage, serviceId: string, staffId: string, startsAt: Date) {
    try {
      return await this.scheduling.holdSlot({ staffId, serviceId, startsAt, conversationId: message.conversationId });
    } catch (error) {
      if (error instanceof SlotTakenError) return null;
      throw error;
    }
  }

  /** Carries out the effects in order; returns the start of a slot that turned out to be taken, if one did. */
  private async carryOut(outcome: Outcome, message: StoredMessage, contactId: string): Promise<string | null> {
    for (const effect of outcome.effects) {
      try {
        await this.apply(effect, message, contactId);
      } catch (error) {
        if (error instanceof SlotTakenError && (effect.kind === 'book' || effect.kind === 'reschedule')) {
          return effect.slot.startsAt;
        }
        throw error;
      }
    }
    return null;
  }

  private async apply(effect: Effect, message: StoredMessage, contactId: string): Promise<void> {
    switch (effect.kind) {
      case 'book':
      case 'reschedule': {
        const { slot } = effect;
        const startsAt = new Date(slot.startsAt);
        const appointment =
          effect.kind === 'reschedule'
            ? await this.scheduling.reschedule(effect.appointmentId, startsAt, {
                staffId: slot.staffId,
                holdId: slot.holdId,
              })
            : await this.scheduling.book({
                serviceId: effect.serviceId,
                staffId: slot.staffId,
                startsAt,
                contactId,
                conversationId: message.conversationId,
                holdId: slot.holdId,
              });
        await this.reminders.schedule({
          appointmentId: appointment.id,
          startsAt: appointment.startsAt,
          serviceName: appointment.serviceName,
          conversationId: message.conversationId,
          channel: message.channel,
        });
        return;
      }
      case 'cancel':
        await this.scheduling.cancel(effect.appointmentId);
        await this.reminders.cancel(effect.appointmentId);
        return;
      case 'release-holds':
        await this.scheduling.releaseHolds(message.conversationId);
        return;
      case 'hand-off':
        await this.dialogs.handOff(message.conversationId, effect.reason);
        await this.raiseHandoffAlert(message, effect.reason, contactId);
        return;
      case 'alert':
        await this.alerts.raise({
          groupKey: `${effect.about}:${message.conversationId}`,
          title: ALERT_TITLES[effect.about],
          sample: `«${message.text.slice(0, 300)}» — разговор ${message.conversationId}`,
        });
        return;
    }
  }

  private async raiseHandoffAlert(message: StoredMessage, reason: string, contactId: string): Promise<void> {
    const client = await this.leads.contactOf(contactId);
    const who = [client?.name ?? 'Без имени', client?.phone ? maskPhone(client.phone) : null]
      .filter(Boolean)
      .join(', ');
    await this.alerts.raise({
      groupKey: `handoff:${message.conversationId}`,
      title: `Клиенту нужен человек (${message.channel}, ${REASONS_RU[reason] ?? reason}): бот молчит до ответа менеджера`,
      sample: `${who}: «${message.text.slice(0, 300) || '[вложение]'}» — разговор ${message.conversationId}`,
    });
  }
}

const ALERT_TITLES: Record<'address-missing' | 'symptom' | 'voice', string> = {
  'address-missing': 'Клиент спрашивает адрес, а в профиле он не заполнен: ответьте клиенту и заполните профиль',
  symptom: 'Клиент записывается с жалобой на самочувствие: проверьте запись',
  voice: 'Клиент прислал голосовое: бот попросил написать текстом, послушайте его',
};

const REASONS_RU: Record<string, string> = {
  attachment: 'фото или файл',
  red_flag: 'СРОЧНО: возможно, нужна скорая',
  symptom: 'жалоба на самочувствие',
  medical: 'медицинский вопрос',
  consultation: 'вопрос к специалисту',
  legal: 'юридический вопрос или возврат денег',
  complaint: 'жалоба',
  human: 'просит человека',
  abuse: 'грубость или угрозы',
  scenario: 'так настроен сценарий',
};

/** What the message says about the day and time; a day already gone ("вчера", last week's date) stays in the past. */
function wantedTime(text: string, now: DateTime, zone: string): WantedReading | null {
  const reading = readWantedTime(text, now, { zone });
  const past = pastDayNamed(text, now);
  if (past) {
    const exact = reading?.intervals.find((i) => i.exact);
    const at = past.set({ hour: exact?.from.hour ?? 12, minute: exact?.from.minute ?? 0 }).toISO()!;
    return { spans: [{ from: at, to: at, exact: true }], hasDay: true, hasTime: Boolean(exact) };
  }
  if (!reading) return null;
  return {
    spans: reading.intervals.map((i) => ({ from: i.from.toISO()!, to: i.to.toISO()!, exact: i.exact })),
    hasDay: reading.hasDay,
    hasTime: reading.hasTime,
  };
}
