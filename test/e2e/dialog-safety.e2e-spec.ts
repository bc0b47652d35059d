import type { Update, User } from '@grammyjs/types';
import type { Client } from 'pg';
import { FakeTelegram, TelegramUpdates, type SentTelegramMessage } from '../fakes/telegram/fake-telegram';
import { startApp, type RunningApp } from '../support/app-harness';
import {
  A_PERSON,
  DialogClient,
  expectHandedOff,
  expectOffer,
  expectOfferOn,
  freshCalendar,
  localNow,
  onWeekday,
  SALON_DAYS,
  uniquePhone,
  upcomingDays,
  ZONE,
  dialogSuite,
} from '../support/dialog-client';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/**
 * DIALOG.md points 12, 21 and 22 against the salon preset (website chat, and Telegram for what is not text), and 13
 * against the clinic preset.
 */
describe('safety first: the salon (DIALOG.md 12, 21, 22)', () => {
  const SECRET = 'tg-webhook-secret-0123456789abcdef';
  const fake = new FakeTelegram();
  const updates = new TelegramUpdates();
  let running: RunningApp;
  let db: Client;
  let chat: DialogClient;
  let userId = 320000000;

  beforeAll(async () => {
    const base = await fake.start();
    const env = testEnv({
      BUSINESS_PRESET: 'salon',
      TZ_BUSINESS: ZONE,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_BASE: base,
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
    chat = new DialogClient(running.url, db);
  });
  afterEach(async () => {
    if (db) await freshCalendar(db);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
    await fake.stop();
  });

  describe('12. health, law, money and people go to a person before any booking step', () => {
    it.each([
      ['у меня экзема, можно на маникюр?'],
      ['я беременна можно ли делать окрашивание'],
      ['аллергия на гель лак была, запишите на маникюр {day} в 15'],
      ['у меня псориаз на голове можно подстричься?'],
      ['пью антибиотики, на педикюр можно?'],
      ['вчера сделали маникюр, через день всё облезло, верните деньги'],
      ['подам на вас в суд за испорченные волосы'],
      ['позовите администратора пожалуйста'],
      ['можно с живым человеком поговорить а не с ботом'],
    ])('«%s» is handed to a person, nothing booked', async (text) => {
      const [day] = upcomingDays({ weekdays: SALON_DAYS.anna });
      const session = chat.session('care');
      const reply = await session.say(text.replace('{day}', onWeekday(day)), { phone: uniquePhone().e164 });
      await expectHandedOff(session, reply);
    });

    it('in the middle of a booking: a condition hands over, and a slot pressed afterwards books nothing', async () => {
      const [day] = upcomingDays({ weekdays: SALON_DAYS.anna });
      const session = chat.session('midcare');
      const offer = await session.say(`хочу на педикюр ${onWeekday(day)} в 16`, { phone: uniquePhone().e164 });
      const [slot] = expectOffer(offer);

      const reply = await session.say('ой а у меня грибок на ногтях, это ничего?');
      await expectHandedOff(session, reply);

      const after = await session.send(slot.label);
      expect(after.silent).toBe(true);
      expect(await session.appointments()).toHaveLength(0);
    });
  });

  describe('21. a handoff outside business hours says when a person will answer', () => {
    let opensAt: number;

    beforeAll(async () => {
      // Open two hours a day, starting at least three hours from now: now is outside business hours all week.
      const hour = localNow().hour;
      opensAt = (hour + 3) % 24 > 22 ? 1 : (hour + 3) % 24;
      const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        weekday,
        start: `${String(opensAt).padStart(2, '0')}:00`,
        end: `${String(opensAt + 2).padStart(2, '0')}:00`,
      }));
      const put = await request(`${running.url}/api/admin/v1/profile`, {
        method: 'PUT',
        admin: true,
        body: { name: 'Салон «Волна»', timeZone: ZONE, hours: { weekly } },
      });
      expect(put.status).toBe(200);
    });
    afterAll(async () => {
      await request(`${running.url}/api/admin/v1/profile`, {
        method: 'PUT',
        admin: true,
        body: { name: 'Салон «Волна»', timeZone: ZONE },
      });
    });

    it.each(['позовите человека пожалуйста', 'мастер испортила мне ногти хочу поговорить с управляющим'])(
      '«%s»',
      async (text) => {
        const session = chat.session('night');
        const reply = await session.say(text);
        await expectHandedOff(session, reply);
        const h = String(opensAt);
        expect(reply.text).toMatch(new RegExp(`(?<!\\d)0?${h}[:.]00|(?<![\\d:])(в|с) ${h}(?![\\d:])`, 'i'));
      },
    );
  });

  describe('22. a voice note, a photo, a sticker or a location over Telegram', () => {
    let greeting: string;

    beforeAll(async () => {
      greeting = (await chat.session('hello').say('здравствуйте')).text;
    });

    const deliver = async (update: Update) => {
      const answer = await request(`${running.url}/webhooks/telegram`, {
        body: update,
        headers: { 'X-Telegram-Bot-Api-Secret-Token': SECRET },
      });
      expect(answer.status).toBe(200);
    };
    const newClient = (): User => updates.user(++userId, 'Оля');
    /** An update of the same shape Telegram sends, with `content` instead of text. */
    const withContent = (from: User, content: Record<string, unknown>): Update => {
      const update = updates.text(from, 'x') as Update & { message: Record<string, unknown> };
      const { text: _text, ...message } = update.message;
      return { ...update, message: { ...message, ...content } } as Update;
    };
    const replyTo = (user: User): Promise<SentTelegramMessage> =>
      waitFor(async () => fake.messagesTo(user.id)[0], { timeoutMs: 8000, what: `a reply in chat ${user.id}` });
    const handedOff = async (user: User) =>
      (
        await db.query(
          `SELECT d.handed_off_at FROM dialogs d JOIN conversations c ON c.id = d.conversation_id
            WHERE c.channel = 'telegram' AND c.external_thread_id = $1`,
          [String(user.id)],
        )
      ).rows[0]?.handed_off_at ?? null;
    const expectNotTheMenu = (reply: SentTelegramMessage) => {
      expect(reply.text).not.toBe(greeting);
      const labels = reply.replyMarkup?.inline_keyboard.flat().map((b) => b.text) ?? [];
      expect(labels).not.toContain('Записаться');
      expect(labels).not.toContain('Узнать цены');
    };

    it('a voice note: asked to write it in text', async () => {
      const user = newClient();
      await deliver(updates.voice(user, 7));
      const reply = await replyTo(user);
      expectNotTheMenu(reply);
      expect(reply.text).toMatch(/текст|напишите/i);
    });

    it('a photo: a person takes it', async () => {
      const user = newClient();
      await deliver(updates.photo(user));
      const reply = await replyTo(user);
      expectNotTheMenu(reply);
      expect(reply.text).toMatch(A_PERSON);
      await waitFor(async () => handedOff(user), { timeoutMs: 3000, what: 'the chat handed to a person' });
    });

    it('a sticker: asked to write in text', async () => {
      const user = newClient();
      await deliver(
        withContent(user, {
          sticker: {
            file_id: 'CAACAgIAAxkBAAIBsticker',
            file_unique_id: 'AgADsticker',
            type: 'regular',
            width: 512,
            height: 512,
            is_animated: false,
            is_video: false,
            emoji: '👍',
          },
        }),
      );
      const reply = await replyTo(user);
      expectNotTheMenu(reply);
      expect(reply.text).toMatch(/текст|напишите/i);
    });

    it('a location: a sensible answer, not the menu', async () => {
      const user = newClient();
      await deliver(withContent(user, { location: { latitude: 56.0106, longitude: 92.8526 } }));
      const reply = await replyTo(user);
      expectNotTheMenu(reply);
      expect(reply.text).toMatch(/текст|напишите|адрес|администратор|менеджер/i);
    });
  });
});

describe('safety first: a clinic (DIALOG.md 13)', () => {
  let chat: DialogClient;
  const env = testEnv({ BUSINESS_PRESET: 'clinic', TZ_BUSINESS: ZONE });
  /** The clinic preset sees patients Mon–Fri 08–20 and Sat 09–15. */
  const CLINIC_DAYS = [1, 2, 3, 4, 5, 6];

  dialogSuite(env, (app) => ({ chat } = app));

  it.each([
    'у ребенка температура 40 не сбивается что делать',
    'сильно давит в груди и тяжело дышать',
    'у мамы сильное кровотечение не останавливается',
    'муж упал в обморок, можно к терапевту?',
  ])('a red flag, «%s»: «звоните 103 или 112» at once, and a person takes over', async (text) => {
    const session = chat.session('flag');
    const reply = await session.say(text);
    expect(reply.text).toMatch(/103/);
    expect(reply.text).toMatch(/112/);
    await expectHandedOff(session, reply);
  });

  it.each(['болит горло, можно к терапевту {day}?', 'кашель и насморк уже неделю, запишите к терапевту {day} утром'])(
    'an ordinary symptom with a request for a visit, «%s», is booked and the lead is hot',
    async (text) => {
      const tomorrow = localNow().plus({ days: 1 });
      const [day] = upcomingDays({ weekdays: CLINIC_DAYS });
      const when = CLINIC_DAYS.includes(tomorrow.weekday) ? 'завтра' : onWeekday(day);
      const visitDay = when === 'завтра' ? tomorrow : day;
      const session = chat.session('throat');
      const offer = await session.say(text.replace('{day}', when), { name: 'Павел', phone: uniquePhone().e164 });
      const slots = expectOfferOn(offer, visitDay);

      const booked = await session.say(slots[0].label);
      expect(booked.text).toMatch(/вы записаны/i);
      const visits = await session.appointments('booked');
      expect(visits.map((v) => [v.service, v.at.toISO()])).toEqual([['Приём терапевта', slots[0].at.toISO()]]);
      expect(await session.handedOffAt()).toBeNull();
      expect((await session.lead())?.urgency).toBe('hot');
    },
  );
});
