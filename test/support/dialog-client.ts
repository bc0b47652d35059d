import { DateTime } from 'luxon';
import type { Client } from 'pg';
import type { EnvironmentVariables } from '../../src/config/env.validation';
import { startApp, type RunningApp } from './app-harness';
import { request, webchatId } from './http';
import { connectDatabase } from './test-env';
import { waitFor } from './wait-for';

/**
 * Multi-turn conversations through the website chat, as a client has them: say something, read what the bot
 * answered (its text and buttons), and look at what the conversation left in the database (visits, handoff,
 * lead, contact). Also the calendar arithmetic the dialog tests need to name days the way people do.
 */

export const ZONE = 'Asia/Krasnoyarsk';

export interface TranscriptMessage {
  id: string;
  from: 'client' | 'bot';
  text: string;
  buttons: string[];
}

/** What the bot answered to one client message: every bot message sent before the client's next one. */
export interface BotReply {
  text: string;
  buttons: string[];
  messages: TranscriptMessage[];
  /** The message was processed and the bot said nothing (a person has the conversation). */
  silent: boolean;
}

export interface ChatOptions {
  /** How long to wait for an answer before failing. */
  answerTimeoutMs?: number;
}

/** A website-chat visitor of the running app; each `session` is a new visitor with a chat of their own. */
export class DialogClient {
  constructor(
    private readonly url: string,
    private readonly db: Client,
    private readonly options: ChatOptions = {},
  ) {}

  session(prefix = 'chat'): ChatSession {
    return new ChatSession(this.url, this.db, webchatId(prefix), this.options);
  }
}

export class ChatSession {
  constructor(
    private readonly url: string,
    private readonly db: Client,
    readonly id: string,
    private readonly options: ChatOptions = {},
  ) {}

  /** Sends a message and returns the bot's answer; fails when the bot stays silent. */
  async say(text: string, form: { name?: string; phone?: string } = {}): Promise<BotReply> {
    const reply = await this.send(text, form);
    if (reply.silent) throw new Error(`the bot stayed silent after «${text}»`);
    return reply;
  }

  /**
   * Sends a message and waits until it is processed: returns the bot's answer, or a silent reply when the bot
   * processed it and said nothing.
   */
  async send(text: string, form: { name?: string; phone?: string } = {}): Promise<BotReply> {
    const accepted = await request(`${this.url}/api/v1/webchat/messages`, {
      body: { sessionId: this.id, clientMessageId: webchatId('m'), text, ...form },
    });
    if (accepted.status !== 202) {
      throw new Error(`the chat refused «${text}»: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    }
    const messageId: string = accepted.body.messageId;
    let processedAt = 0;
    const outcome = await waitFor<BotReply | { failed: string }>(
      async () => {
        const messages = await this.transcript();
        const at = messages.findIndex((m) => m.id === messageId);
        if (at < 0) return null;
        const answer: TranscriptMessage[] = [];
        for (const m of messages.slice(at + 1)) {
          if (m.from !== 'bot') break;
          answer.push(m);
        }
        if (answer.length > 0) {
          return {
            text: answer.map((m) => m.text).join('\n'),
            buttons: answer.flatMap((m) => m.buttons ?? []),
            messages: answer,
            silent: false,
          };
        }
        // The reply is written in the transaction that records the triage: triaged with no reply is silence.
        const { rows } = await this.db.query('SELECT triage IS NOT NULL AS done FROM messages WHERE id = $1', [
          messageId,
        ]);
        if (!rows[0]?.done) {
          // The bot's work on the message failed for good: no answer will ever come.
          const dead = await this.db.query(
            `SELECT attempt_log FROM outbox WHERE topic = 'triage.process' AND status = 'dead' AND payload->>'messageId' = $1`,
            [messageId],
          );
          return dead.rows[0] ? { failed: JSON.stringify(dead.rows[0].attempt_log.at(-1) ?? {}).slice(0, 300) } : null;
        }
        processedAt ||= Date.now();
        return Date.now() - processedAt > 1000 ? { text: '', buttons: [], messages: [], silent: true } : null;
      },
      { timeoutMs: this.options.answerTimeoutMs ?? 6000, intervalMs: 40, what: `the bot's answer to «${text}»` },
    );
    if ('failed' in outcome) throw new Error(`the bot failed on «${text}» and never answered: ${outcome.failed}`);
    return outcome;
  }

  async transcript(): Promise<TranscriptMessage[]> {
    const { body } = await request(`${this.url}/api/v1/webchat/sessions/${this.id}/messages`);
    return body.messages ?? [];
  }

  async botMessages(): Promise<TranscriptMessage[]> {
    return (await this.transcript()).filter((m) => m.from === 'bot');
  }

  async conversationId(): Promise<string | null> {
    const { rows } = await this.db.query(
      `SELECT id FROM conversations WHERE channel = 'webchat' AND external_thread_id = $1`,
      [this.id],
    );
    return rows[0]?.id ?? null;
  }

  /** The chat's visitor as stored: name and E.164 phone. */
  async contact(): Promise<{ id: string; name: string | null; phone_e164: string | null } | null> {
    const { rows } = await this.db.query(
      `SELECT c.id, c.name, c.phone_e164 FROM contacts c
         JOIN contact_identities i ON i.contact_id = c.id
        WHERE i.channel = 'webchat' AND i.external_id = $1`,
      [this.id],
    );
    return rows[0] ?? null;
  }

  /** Visits made in this chat or for its visitor, with the service name and the local start. */
  async appointments(status?: string): Promise<Array<{ id: string; status: string; service: string; at: DateTime }>> {
    const conversationId = await this.conversationId();
    const contact = await this.contact();
    const { rows } = await this.db.query(
      `SELECT a.id, a.status, a.starts_at, s.name AS service FROM appointments a JOIN services s ON s.id = a.service_id
        WHERE (a.conversation_id = $1 OR a.contact_id = $2) AND ($3::text IS NULL OR a.status = $3)
        ORDER BY a.starts_at`,
      [conversationId, contact?.id ?? null, status ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      service: r.service,
      at: DateTime.fromJSDate(r.starts_at, { zone: ZONE }),
    }));
  }

  /** When a person took the conversation over (null: the bot still has it). */
  async handedOffAt(): Promise<Date | null> {
    const conversationId = await this.conversationId();
    if (!conversationId) return null;
    const { rows } = await this.db.query('SELECT handed_off_at FROM dialogs WHERE conversation_id = $1', [
      conversationId,
    ]);
    return rows[0]?.handed_off_at ?? null;
  }

  async lead(): Promise<{ intent: string; urgency: string; status: string; escalate: boolean } | null> {
    const conversationId = await this.conversationId();
    const { rows } = await this.db.query(
      'SELECT intent, urgency, status, escalate FROM leads WHERE conversation_id = $1',
      [conversationId],
    );
    return rows[0] ?? null;
  }
}

/**
 * Every test starts with an empty calendar: visits booked and slots held by the tests before it are let go, so what
 * one conversation is offered never depends on the order the tests ran in.
 */
export async function freshCalendar(db: Client): Promise<void> {
  await db.query('DELETE FROM slot_holds');
  await db.query(`UPDATE appointments SET status = 'cancelled', updated_at = now() WHERE status = 'booked'`);
}

// ---- Slots offered as buttons: «пт 05.12, 17:00» ----

const SLOT_LABEL = /^\s*(пн|вт|ср|чт|пт|сб|вс)\.?\s+(\d{2})\.(\d{2}),\s*(\d{1,2}):(\d{2})\s*$/i;

export function isSlotLabel(label: string): boolean {
  return SLOT_LABEL.test(label);
}

export interface OfferedSlot {
  label: string;
  at: DateTime;
}

/** The moment a slot label names, in the business zone (the year is the one that puts it nearest ahead). */
export function parseSlotLabel(label: string, now: DateTime = localNow()): DateTime {
  const match = SLOT_LABEL.exec(label);
  if (!match) throw new Error(`«${label}» is not a slot label`);
  const [, , day, month, hour, minute] = match.map(Number);
  let at = DateTime.fromObject({ year: now.year, month, day, hour, minute }, { zone: ZONE });
  if (at < now.minus({ days: 60 })) at = at.plus({ years: 1 });
  return at;
}

/** The slot buttons of a reply, in the order offered. */
export function slotsOf(reply: { buttons: string[] }): OfferedSlot[] {
  return reply.buttons.filter(isSlotLabel).map((label) => ({ label, at: parseSlotLabel(label) }));
}

/** The offered button for a clock time on a day, if any. */
export function slotAt(reply: { buttons: string[] }, day: DateTime, hour: number, minute = 0): OfferedSlot | undefined {
  return slotsOf(reply).find((s) => s.at.hasSame(day, 'day') && s.at.hour === hour && s.at.minute === minute);
}

/** «пт 05.12, 17:00» of a moment, as the bot labels it. */
export function labelOf(at: DateTime): string {
  return at.setZone(ZONE).setLocale('ru').toFormat('ccc dd.MM, HH:mm');
}

/** The reply is an offer of times (slot buttons only, one to three) or the test fails showing what was said. */
export function expectOffer(reply: BotReply, what = 'an offer of times'): OfferedSlot[] {
  const slots = slotsOf(reply);
  if (slots.length === 0 || slots.length !== reply.buttons.length) {
    throw new Error(
      `expected ${what} as slot buttons; the bot answered «${reply.text}» [${reply.buttons.join(' | ')}]`,
    );
  }
  expect(slots.length).toBeLessThanOrEqual(3);
  return slots;
}

/** An offer whose every time is on `day`. */
export function expectOfferOn(reply: BotReply, day: DateTime, what = `times on ${day.toISODate()}`): OfferedSlot[] {
  const slots = expectOffer(reply, what);
  if (slots.some((s) => !s.at.hasSame(day, 'day'))) {
    throw new Error(`expected ${what} (${labelOf(day).slice(0, 8)}); the bot offered [${reply.buttons.join(' | ')}]`);
  }
  return slots;
}

/** The offered button for that clock time on that day, or the test fails showing what was offered. */
export function expectSlotAt(reply: BotReply, day: DateTime, hour: number, minute = 0): OfferedSlot {
  const slot = slotAt(reply, day, hour, minute);
  if (!slot) {
    const wanted = labelOf(day.set({ hour, minute }));
    throw new Error(
      `expected «${wanted}» among the offered times; the bot answered «${reply.text}» [${reply.buttons.join(' | ')}]`,
    );
  }
  return slot;
}

/** The conversation went to a person: said so, offered no times, booked nothing. */
export async function expectHandedOff(session: ChatSession, reply: BotReply): Promise<void> {
  const handedOffAt = await session.handedOffAt();
  if (!handedOffAt) {
    throw new Error(`expected a handoff to a person; the bot answered «${reply.text}» [${reply.buttons.join(' | ')}]`);
  }
  expect(reply.text).toMatch(A_PERSON);
  expect(slotsOf(reply)).toHaveLength(0);
  expect(await session.appointments()).toHaveLength(0);
}

/** The bot still has the conversation (no person took it over), or the test fails showing what it said. */
export async function expectNotHandedOff(session: ChatSession, reply: BotReply): Promise<void> {
  if (await session.handedOffAt()) {
    throw new Error(`expected the bot to keep the conversation; it handed it to a person, saying «${reply.text}»`);
  }
}

/** Words that say a person (not the bot) will answer. */
export const A_PERSON = /администратор|мастер|специалист|менеджер|человек|сотрудник|управляющ|врач|доктор/i;

// ---- Days as a client names them ----

export function localNow(): DateTime {
  return DateTime.now().setZone(ZONE);
}

const ISO_WEEK = [1, 2, 3, 4, 5, 6, 7];

/**
 * Days from `from` to `to` days ahead (local calendar) that fall on one of `weekdays` (1 Monday … 7 Sunday),
 * soonest first, each at its start.
 */
export function upcomingDays({
  weekdays = ISO_WEEK,
  from = 2,
  to = 6,
}: { weekdays?: number[]; from?: number; to?: number } = {}): DateTime[] {
  const today = localNow().startOf('day');
  const days: DateTime[] = [];
  for (let ahead = from; ahead <= to; ahead++) {
    const day = today.plus({ days: ahead });
    if (weekdays.includes(day.weekday)) days.push(day);
  }
  if (days.length === 0) throw new Error(`no day ${from}-${to} days ahead on weekdays ${weekdays.join(',')}`);
  return days;
}

/**
 * The last such day: not the first day the service can be had, so a bot that forgot the day and offered the soonest
 * free times would not pass by chance.
 */
export function furthestDay(options: { weekdays?: number[]; from?: number; to?: number } = {}): DateTime {
  return upcomingDays(options).at(-1)!;
}

/** Weekdays the salon preset works a service: Анна Mon–Sat, Мария Tue–Sun, both Tue–Sat. */
export const SALON_DAYS = {
  anna: [1, 2, 3, 4, 5, 6],
  maria: [2, 3, 4, 5, 6, 7],
  both: [2, 3, 4, 5, 6],
};

const WEEKDAY_ACCUSATIVE = ['', 'понедельник', 'вторник', 'среду', 'четверг', 'пятницу', 'субботу', 'воскресенье'];

/** «пятницу», «среду»: the weekday after «в». */
export function weekdayName(day: DateTime): string {
  return WEEKDAY_ACCUSATIVE[day.weekday];
}

/** «в пятницу», «во вторник». */
export function onWeekday(day: DateTime): string {
  return `${day.weekday === 2 ? 'во' : 'в'} ${weekdayName(day)}`;
}

/** «05.12». */
export function ddMM(day: DateTime): string {
  return day.toFormat('dd.MM');
}

// ---- Words in replies ----

/** A price as the bot writes it: «1 500 ₽», with a plain, no-break or narrow no-break space, or «руб». */
export function rub(amount: number): RegExp {
  const digits = String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '[\\s\\u00a0\\u202f]?');
  return new RegExp(`(?<!\\d)${digits}[\\s\\u00a0\\u202f]*(₽|руб|р\\.)`, 'i');
}

/** A reply asking the client for a phone or a name. */
export const ASKS_FOR_CONTACT =
  /(оставьте|напишите|укажите|подскажите|назовите|пришлите|сообщите)[^.!?]{0,40}(телефон|номер|имя)|как (вас|к вам) (зовут|обращаться)|ваш (телефон|номер|имя)|не вижу номера/i;

let phoneCounter = 0;
/**
 * A mobile number no other test of the file uses (each file has a database of its own), in the formats people
 * type it. The same sequence every run, so a failure that depends on the digits reproduces.
 */
export function uniquePhone(): { e164: string; bare: string; national: string; spaced: string; dashed: string } {
  phoneCounter += 1;
  const tail = String((4_827_163 + phoneCounter * 104_729) % 10_000_000).padStart(7, '0');
  const bare = `913${tail}`;
  const [a, b, c, d] = [bare.slice(0, 3), bare.slice(3, 6), bare.slice(6, 8), bare.slice(8)];
  return {
    e164: `+7${bare}`,
    bare,
    national: `8 (${a}) ${b}-${c}-${d}`,
    spaced: `+7 ${a} ${b} ${c} ${d}`,
    dashed: `8-${a}-${b}-${c}-${d}`,
  };
}

/** Waits until every queued piece of message work is done (used to prove a silence). */
export async function settled(db: Client): Promise<void> {
  await waitFor(
    async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM outbox WHERE status = 'pending'
            AND (topic IN ('inbound.process', 'inbound.ack', 'triage.process') OR topic LIKE 'reply.send.%')`,
        )
      ).rows[0].n === 0,
    { timeoutMs: 8000, what: 'message work done' },
  );
}

export interface DialogApp {
  running: RunningApp;
  db: Client;
  chat: DialogClient;
}

/**
 * The hooks every dialog suite needs: the app started for the suite, the calendar emptied after each test, all of
 * it closed at the end. `use` receives the app once it runs (assign it to the suite's variables).
 */
export function dialogSuite(env: EnvironmentVariables, use: (app: DialogApp) => void): void {
  let app: DialogApp | undefined;
  beforeAll(async () => {
    const running = await startApp(env);
    const db = await connectDatabase(env.DATABASE_URL);
    app = { running, db, chat: new DialogClient(running.url, db) };
    use(app);
  });
  afterEach(async () => {
    if (app) await freshCalendar(app.db);
  });
  afterAll(async () => {
    await app?.db.end();
    await app?.running.close();
  });
}
