import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { EnvironmentVariables } from '../../../config/env.validation';
import { LeadsFacade, type StoredMessage } from '../../leads';
import { VisitReminders } from '../../notifications';
import {
  parseWantedTime,
  SchedulingFacade,
  SlotTakenError,
  type Appointment,
  type Service,
  type WantedInterval,
} from '../../scheduling';
import { DialogRepository } from '../adapters/persistence/dialog.repository';
import type { BookingDraft, Dialog, DialogState, OfferedSlot } from '../domain/dialog-state';
import {
  CANCEL_VISIT,
  CONFIRM_VISIT,
  isNo,
  isYes,
  MOVE_VISIT,
  NO_KEEP,
  sameLabel,
  slotLabel,
  slotPhrase,
  YES_CANCEL,
} from '../domain/dialog-replies';
import type { TriageResult } from '../domain/triage-result';

/** What the bot says, and what it changes about the lead. */
export interface Answer {
  text: string;
  buttons: string[];
  /** The intent the lead should carry when the dialog knows better than this one message (a slot was picked). */
  intent?: string;
  handOff?: string;
  leadStatus?: 'booked' | 'cancelled' | 'escalated';
  details?: Record<string, string>;
}

const OFFERED_SLOTS = 3;
const SEARCH_DAYS = 7;

/**
 * The booking conversation: collects the service, then the wanted time, offers up to three free slots as buttons
 * (held while the client chooses), then the phone if it is not known, and books; cancels and moves visits after
 * the client confirms; answers prices from the service list. Returns null when the message is not its business.
 */
@Injectable()
export class BookingDialog {
  constructor(
    private readonly scheduling: SchedulingFacade,
    private readonly reminders: VisitReminders,
    private readonly leads: LeadsFacade,
    private readonly dialogs: DialogRepository,
    private readonly env: EnvironmentVariables,
  ) {}

  async answer(message: StoredMessage, dialog: Dialog, triage: TriageResult): Promise<Answer | null> {
    const state: DialogState = { ...dialog.state };
    const text = message.text.trim();
    try {
      return await this.route(message, state, triage, text);
    } finally {
      await this.dialogs.save(message.conversationId, state);
    }
  }

  private async route(message: StoredMessage, state: DialogState, triage: TriageResult, text: string) {
    if (state.pending) {
      const pending = state.pending;
      delete state.pending;
      if (isYes(text)) return this.cancel(pending.appointmentId);
      if (isNo(text)) return { text: 'Хорошо, запись остаётся в силе. Ждём вас!', buttons: [] };
    }
    if (sameLabel(CONFIRM_VISIT, text)) return this.confirmVisit(message);
    if (sameLabel(MOVE_VISIT, text)) return this.startReschedule(message, state, triage, '');
    if (sameLabel(CANCEL_VISIT, text)) return this.askCancel(message, state);

    const draft = state.booking;
    const picked = draft?.offered?.find((slot) => sameLabel(slot.label, text));
    if (draft && picked) return this.choose(message, state, draft, picked);
    if (draft?.awaiting === 'contact' && draft.chosen) return this.collectContact(message, state, draft, triage);

    switch (triage.intent) {
      case 'booking':
        return this.bookingStep(message, state, triage, text);
      case 'cancel':
        return this.askCancel(message, state);
      case 'reschedule':
        return this.startReschedule(message, state, triage, text);
      case 'price':
        return this.prices(triage);
      default:
        // An answer to the bot's question (a service name, a day) carries no booking words of its own.
        return draft?.awaiting === 'service' || draft?.awaiting === 'time' || draft?.awaiting === 'slot'
          ? this.bookingStep(message, state, triage, text)
          : null;
    }
  }

  private async bookingStep(message: StoredMessage, state: DialogState, triage: TriageResult, text: string) {
    const draft: BookingDraft = state.booking ?? {};
    state.booking = draft;
    if (!draft.serviceId) {
      const service = await this.findService(triage.slots.service ?? (draft.awaiting === 'service' ? text : ''));
      if (!service) {
        draft.awaiting = 'service';
        const services = await this.scheduling.listServices();
        return {
          text: 'С удовольствием запишу! На какую услугу?',
          buttons: services.slice(0, 3).map((s) => s.name),
          intent: 'booking',
        };
      }
      draft.serviceId = service.id;
      draft.serviceName = service.name;
    }
    return this.offerSlots(message, draft, text);
  }

  private async offerSlots(message: StoredMessage, draft: BookingDraft, text: string): Promise<Answer> {
    const zone = this.env.TZ_BUSINESS;
    const now = DateTime.now().setZone(zone);
    const wanted = parseWantedTime(text, now, { zone });
    if (!wanted && !draft.offered) {
      draft.awaiting = 'time';
      return {
        text: `Когда вам удобно прийти на ${draft.serviceName!.toLowerCase()}? Например: «завтра после 15» или «в субботу утром».`,
        buttons: [],
        intent: 'booking',
      };
    }
    const windows = (wanted ?? [{ from: now, to: now.plus({ days: SEARCH_DAYS }), exact: false }]).map(searchWindow);
    let slots = await this.freeSlots(message, draft.serviceId!, windows);
    let preface = 'Есть свободные окна';
    if (slots.length === 0) {
      const from = windows[0].from < now ? now : windows[0].from;
      slots = await this.freeSlots(message, draft.serviceId!, [{ from, to: from.plus({ days: SEARCH_DAYS }) }]);
      preface = 'На это время всё занято. Ближайшие свободные окна';
    }
    const offered: OfferedSlot[] = [];
    for (const slot of slots) {
      if (offered.length === OFFERED_SLOTS) break;
      const holdId = await this.hold(message, draft, slot.staffId, slot.startsAt);
      if (!holdId) continue;
      offered.push({
        label: slotLabel(slot.startsAt, zone),
        staffId: slot.staffId,
        startsAt: slot.startsAt.toISOString(),
        holdId,
      });
    }
    if (offered.length === 0) {
      draft.awaiting = 'time';
      delete draft.offered;
      return {
        text: 'К сожалению, в ближайшую неделю свободных окон нет. Напишите другой день — или администратор предложит варианты.',
        buttons: [],
        intent: 'booking',
      };
    }
    draft.offered = offered;
    draft.awaiting = 'slot';
    return {
      text: `${preface} на ${draft.serviceName!.toLowerCase()}: ${offered.map((s) => s.label).join('; ')}. Выберите удобное время.`,
      buttons: offered.map((s) => s.label),
      intent: 'booking',
    };
  }

  private async freeSlots(message: StoredMessage, serviceId: string, windows: Array<{ from: DateTime; to: DateTime }>) {
    const found: Array<{ staffId: string; startsAt: Date }> = [];
    for (const window of windows) {
      if (window.to <= window.from) continue;
      const slots = await this.scheduling.findFreeSlots({
        serviceId,
        from: window.from.toJSDate(),
        to: window.to.toJSDate(),
        limit: OFFERED_SLOTS * 2,
        conversationId: message.conversationId,
      });
      found.push(...slots);
      if (found.length >= OFFERED_SLOTS * 2) break;
    }
    return found;
  }

  private async hold(message: StoredMessage, draft: BookingDraft, staffId: string, startsAt: Date) {
    try {
      return await this.scheduling.holdSlot({
        staffId,
        serviceId: draft.serviceId!,
        startsAt,
        conversationId: message.conversationId,
      });
    } catch (error) {
      if (error instanceof SlotTakenError) return null;
      throw error;
    }
  }

  private async choose(message: StoredMessage, state: DialogState, draft: BookingDraft, slot: OfferedSlot) {
    if (!draft.rescheduleOf) {
      const contact = await this.leads.contactOf(message.contactId);
      if (!contact?.phone) {
        draft.chosen = slot;
        draft.awaiting = 'contact';
        return {
          text: `Отлично, ${slot.label}! Оставьте, пожалуйста, имя и номер телефона — на него придёт подтверждение.`,
          buttons: [],
          intent: 'booking',
        };
      }
    }
    return this.book(message, state, draft, slot);
  }

  private async collectContact(message: StoredMessage, state: DialogState, draft: BookingDraft, triage: TriageResult) {
    if (!triage.slots.phone) {
      return {
        text: 'Не вижу номера телефона. Напишите его, пожалуйста, например: +7 913 123-45-67.',
        buttons: [],
        intent: 'booking',
      };
    }
    await this.leads.completeContact(message.contactId, { phone: triage.slots.phone, name: triage.slots.name });
    return this.book(message, state, draft, draft.chosen!);
  }

  private async book(message: StoredMessage, state: DialogState, draft: BookingDraft, slot: OfferedSlot) {
    const startsAt = new Date(slot.startsAt);
    let appointment: Appointment;
    try {
      appointment = draft.rescheduleOf
        ? await this.scheduling.reschedule(draft.rescheduleOf, startsAt, { staffId: slot.staffId, holdId: slot.holdId })
        : await this.scheduling.book({
            serviceId: draft.serviceId!,
            staffId: slot.staffId,
            startsAt,
            contactId: message.contactId,
            conversationId: message.conversationId,
            holdId: slot.holdId,
          });
    } catch (error) {
      if (!(error instanceof SlotTakenError)) throw error;
      draft.offered = undefined;
      const again = await this.offerSlots(message, draft, '');
      return { ...again, text: `Это время только что заняли. ${again.text}` };
    }
    await this.reminders.schedule({
      appointmentId: appointment.id,
      startsAt: appointment.startsAt,
      serviceName: draft.serviceName ?? appointment.serviceName,
      conversationId: message.conversationId,
      channel: message.channel,
    });
    delete state.booking;
    const when = slotPhrase(appointment.startsAt, this.env.TZ_BUSINESS);
    const moved = Boolean(draft.rescheduleOf);
    return {
      text: moved
        ? `Готово, перенесли: ${draft.serviceName}, ${when}. Напомним за день и за час до визита.`
        : `Готово! Вы записаны: ${draft.serviceName}, ${when}. Напомним за день и за час до визита.`,
      buttons: [],
      intent: moved ? 'reschedule' : 'booking',
      leadStatus: 'booked' as const,
      details: { appointmentId: appointment.id, visit: when, service: draft.serviceName ?? appointment.serviceName },
    };
  }

  private async upcoming(message: StoredMessage): Promise<Appointment | null> {
    const [next] = await this.scheduling.upcomingFor(message.contactId);
    return next ?? null;
  }

  private async confirmVisit(message: StoredMessage): Promise<Answer> {
    const next = await this.upcoming(message);
    if (!next) return { text: 'Не нашла у вас предстоящих записей. Хотите записаться?', buttons: ['Записаться'] };
    return {
      text: `Спасибо, ждём вас: ${next.serviceName}, ${slotPhrase(next.startsAt, this.env.TZ_BUSINESS)}!`,
      buttons: [],
      leadStatus: 'booked',
    };
  }

  private async askCancel(message: StoredMessage, state: DialogState): Promise<Answer> {
    const next = await this.upcoming(message);
    if (!next) return { text: 'Не нашла у вас предстоящих записей. Хотите записаться?', buttons: ['Записаться'] };
    state.pending = { kind: 'cancel', appointmentId: next.id };
    delete state.booking;
    return {
      text: `Отменить запись: ${next.serviceName}, ${slotPhrase(next.startsAt, this.env.TZ_BUSINESS)}?`,
      buttons: [YES_CANCEL, NO_KEEP],
      intent: 'cancel',
    };
  }

  private async cancel(appointmentId: string): Promise<Answer> {
    const appointment = await this.scheduling.cancel(appointmentId);
    await this.reminders.cancel(appointmentId);
    return {
      text: `Запись отменена: ${appointment.serviceName}, ${slotPhrase(appointment.startsAt, this.env.TZ_BUSINESS)}. Если захотите прийти в другой день — просто напишите.`,
      buttons: [],
      intent: 'cancel',
      leadStatus: 'cancelled',
    };
  }

  private async startReschedule(message: StoredMessage, state: DialogState, triage: TriageResult, text: string) {
    const next = await this.upcoming(message);
    if (!next) return { text: 'Не нашла у вас предстоящих записей. Хотите записаться?', buttons: ['Записаться'] };
    state.booking = { serviceId: next.serviceId, serviceName: next.serviceName, rescheduleOf: next.id };
    const answer = await this.offerSlots(message, state.booking, text);
    return { ...answer, intent: 'reschedule' };
  }

  private async prices(triage: TriageResult): Promise<Answer | null> {
    const services = await this.scheduling.listServices();
    const asked = triage.slots.service ? await this.findService(triage.slots.service) : null;
    const priced = (asked ? [asked] : services).filter((s) => s.priceRub !== null).slice(0, 8);
    if (priced.length === 0) return null;
    const list = priced.map((s) => `${s.name} — ${formatRub(s.priceRub!)}`).join('\n');
    return { text: `Наши цены:\n${list}\nЗаписать вас?`, buttons: ['Записаться'], intent: 'price' };
  }

  private async findService(text: string): Promise<Service | null> {
    return text.trim() ? this.scheduling.findServiceByName(text) : null;
  }
}

/** A named clock time ("в 5") is a moment: search from it for a few hours, so the offer has neighbours too. */
const EXACT_WINDOW_HOURS = 4;

function searchWindow(interval: WantedInterval): { from: DateTime; to: DateTime } {
  return interval.exact ? { from: interval.from, to: interval.from.plus({ hours: EXACT_WINDOW_HOURS }) } : interval;
}

function formatRub(amount: number): string {
  return `${new Intl.NumberFormat('ru-RU').format(amount)} ₽`;
}
