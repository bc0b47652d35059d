import type { DateTime } from 'luxon';
import type { Client } from 'pg';
import {
  ASKS_FOR_CONTACT,
  ChatSession,
  ddMM,
  DialogClient,
  expectOffer,
  expectOfferOn,
  expectNotHandedOff,
  dialogSuite,
  furthestDay,
  localNow,
  onWeekday,
  SALON_DAYS,
  expectSlotAt,
  slotsOf,
  uniquePhone,
  upcomingDays,
  weekdayName,
  ZONE,
  type BotReply,
} from '../support/dialog-client';
import { testEnv } from '../support/test-env';

/**
 * DIALOG.md points 1-9: what the bot remembers across turns. Website chat against the salon preset a fresh instance
 * seeds (Анна: маникюр, педикюр Mon–Sat; Мария: стрижки, окрашивание Tue–Sun; брови both; 09–21).
 * Days are picked 2–6 days ahead on a day the service is worked, so the tests hold at any hour of any weekday.
 */
describe('the dialog remembers what was said (DIALOG.md 1-9)', () => {
  let db: Client;
  let chat: DialogClient;
  const env = testEnv({ BUSINESS_PRESET: 'salon', TZ_BUSINESS: ZONE });

  dialogSuite(env, (app) => ({ db, chat } = app));

  async function expectBooked(session: ChatSession, reply: BotReply, service: string, label: string) {
    expect(reply.text).toMatch(/вы записаны/i);
    const visits = await session.appointments('booked');
    expect(visits.map((v) => [v.service, v.at.toFormat('dd.MM HH:mm')])).toEqual([
      [service, label.replace(/^\S+ (\d\d\.\d\d), /, '$1 ')],
    ]);
  }

  describe('1. earlier / later keeps the day', () => {
    it.each([
      ['а можно чуть раньше?', (d: DateTime) => `запишите на маникюр ${onWeekday(d)} в 18:00`],
      ['пораньше ничего нет', (d: DateTime) => `хочу на маникюр ${ddMM(d)} к 18`],
    ])('«%s» offers times on the same day before the earliest offered', async (earlier, first) => {
      const day = furthestDay({ weekdays: SALON_DAYS.anna });
      const session = chat.session('earlier');
      const offer = await session.say(first(day));
      const offered = expectOfferOn(offer, day, 'an offer for the named day');
      const earliest = offered[0].at;

      const again = await session.say(earlier);
      const slots = expectOfferOn(again, day, 'earlier times');
      for (const slot of slots) expect(slot.at < earliest).toBe(true);
    });

    it.each([
      ['а попозже?', 15],
      ['а можно попозже немного', 16],
    ])('«%s» offers times on the same day after the latest offered', async (later, hour) => {
      const day = furthestDay({ weekdays: SALON_DAYS.anna });
      const session = chat.session('later');
      const offer = await session.say(`маникюр ${onWeekday(day)} в ${hour} можно?`);
      const offered = expectOfferOn(offer, day, 'an offer for the named day');
      const latest = offered[offered.length - 1].at;

      const again = await session.say(later);
      const slots = expectOfferOn(again, day, 'later times');
      for (const slot of slots) expect(slot.at > latest).toBe(true);
    });
  });

  describe('2. the same time on another day', () => {
    it('«а в <день> в это же время?» offers that day at the clock time asked before', async () => {
      const [first, other] = upcomingDays({ weekdays: SALON_DAYS.anna });
      const session = chat.session('sametime');
      const offer = await session.say(`хочу на маникюр ${onWeekday(first)} в 11`);
      expectSlotAt(offer, first, 11);

      const again = await session.say(`а ${onWeekday(other)} в это же время?`);
      expectOfferOn(again, other, `times on ${other.toISODate()}`);
      expectSlotAt(again, other, 11);
    });

    it('«а на dd.MM в тоже время можно» (a typo, a date) offers that date at the same clock time', async () => {
      const days = upcomingDays();
      const [first, other] = [days[0], days[days.length - 1]];
      const session = chat.session('sametime2');
      const offer = await session.say(`можно брови оформить ${ddMM(first)} в 19`);
      expectSlotAt(offer, first, 19);

      const again = await session.say(`а на ${ddMM(other)} в тоже время можно`);
      expectOfferOn(again, other, `times on ${other.toISODate()}`);
      expectSlotAt(again, other, 19);
    });

    it('moving a visit: «то же время, но в <день>» offers that day at the visit’s time, never today', async () => {
      const [first, other] = upcomingDays({ weekdays: SALON_DAYS.anna });
      const phone = uniquePhone();
      const session = chat.session('movesame');
      const offer = await session.say(`запишите на педикюр ${onWeekday(first)} в 15`, {
        name: 'Оля',
        phone: phone.e164,
      });
      const at15 = expectSlotAt(offer, first, 15);
      expect((await session.say(at15.label)).text).toMatch(/вы записаны/i);

      const again = await session.say(`а можно перенести? то же время, но ${onWeekday(other)}`);
      expectOfferOn(again, other, `times on ${other.toISODate()}`);
      expect(slotsOf(again).some((s) => s.at.hasSame(localNow(), 'day'))).toBe(false);
      const target = expectSlotAt(again, other, 15);

      const moved = await session.say(target.label);
      expect(moved.text).toMatch(/перенесли/i);
      const visits = await session.appointments('booked');
      expect(visits.map((v) => v.at.toISO())).toEqual([target.at.toISO()]);
    });
  });

  describe('3. an option picked by position or by its time', () => {
    async function offerAround17(prefix: string) {
      const [day] = upcomingDays({ weekdays: SALON_DAYS.anna });
      const session = chat.session(prefix);
      const offer = await session.say(`запишите на маникюр ${onWeekday(day)} в 17`, {
        name: 'Катя',
        phone: uniquePhone().e164,
      });
      const slots = expectOffer(offer, 'an offer');
      return { session, day, offer, slots };
    }

    it.each([
      ['давайте последний', (n: number) => n - 1],
      ['второй', () => 1],
      ['давайте первый вариант', () => 0],
    ])('«%s» books that option', async (phrase, index) => {
      const { session, slots } = await offerAround17('pos');
      expect(slots.length).toBeGreaterThanOrEqual(2);
      const wanted = slots[index(slots.length)];

      const reply = await session.say(phrase);
      await expectBooked(session, reply, 'Маникюр', wanted.label);
    });

    it.each(['на 17:30', '17.30', 'в полшестого давайте'])('«%s» books the 17:30 option', async (phrase) => {
      const { session, day, offer } = await offerAround17('time');
      const wanted = expectSlotAt(offer, day, 17, 30);

      const reply = await session.say(phrase);
      await expectBooked(session, reply, 'Маникюр', wanted.label);
    });
  });

  describe('4. a change of service keeps the day and time', () => {
    it('«нет, лучше стрижку» asks which стрижка, then offers it for the same day and time', async () => {
      const day = furthestDay({ weekdays: SALON_DAYS.both });
      const session = chat.session('swap');
      const offer = await session.say(`хочу на маникюр ${onWeekday(day)} в 11`);
      expectSlotAt(offer, day, 11);

      const which = await session.say('нет, лучше стрижку');
      const choices = `${which.text} ${which.buttons.join(' ')}`;
      expect(choices).toMatch(/женск/i);
      expect(choices).toMatch(/мужск/i);
      expect(slotsOf(which)).toHaveLength(0);

      const again = await session.say('женскую');
      expect(again.text).toMatch(/стрижк/i);
      expectOfferOn(again, day, `women's haircut times on ${day.toISODate()}`);
      expectSlotAt(again, day, 11);
    });

    it('«ой нет давайте лучше мужскую стрижку» books the new service on the same day after the same hour', async () => {
      const day = furthestDay({ weekdays: SALON_DAYS.both });
      const session = chat.session('swap2');
      const offer = await session.say(`на педикюр ${ddMM(day)} после 16 можно?`, { phone: uniquePhone().e164 });
      expectOfferOn(offer, day, 'a pedicure offer');

      const again = await session.say('ой нет давайте лучше мужскую стрижку');
      expect(again.text).toMatch(/стрижк/i);
      const slots = expectOfferOn(again, day, `men's haircut times on ${day.toISODate()}`);
      for (const slot of slots) expect(slot.at.hour).toBeGreaterThanOrEqual(16);

      const booked = await session.say(slots[0].label);
      await expectBooked(session, booked, 'Стрижка мужская', slots[0].label);
    });
  });

  describe('5. details given early are kept', () => {
    it('a phone in the first message: picking a slot books without asking for it', async () => {
      const [day] = upcomingDays({ weekdays: SALON_DAYS.anna });
      const phone = uniquePhone();
      const session = chat.session('early');
      const offer = await session.say(
        `здравствуйте, мой номер ${phone.national}, хочу на педикюр ${onWeekday(day)} в 15`,
      );
      const [slot] = expectOffer(offer, 'an offer');

      const reply = await session.say(slot.label);
      expect(reply.text).not.toMatch(ASKS_FOR_CONTACT);
      await expectBooked(session, reply, 'Педикюр', slot.label);
      expect((await session.contact())?.phone_e164).toBe(phone.e164);
    });

    it('a name and phone sent while choosing: the slot picked next is booked without asking again', async () => {
      const [day] = upcomingDays({ weekdays: SALON_DAYS.anna });
      const phone = uniquePhone();
      const session = chat.session('early2');
      const offer = await session.say(`маникюр на ${ddMM(day)} после обеда`);
      const [slot] = expectOffer(offer, 'an offer');
      await expectNotHandedOff(session, await session.say(`меня света зовут тел ${phone.bare}`));

      const reply = await session.say(slot.label);
      expect(reply.text).not.toMatch(ASKS_FOR_CONTACT);
      await expectBooked(session, reply, 'Маникюр', slot.label);
      expect((await session.contact())?.phone_e164).toBe(phone.e164);
    });

    it('«запишите на <день> в 12» with no service: asks which, then offers that day at 12', async () => {
      const day = furthestDay();
      const session = chat.session('dayfirst');
      const ask = await session.say(`запишите на ${weekdayName(day)} в 12`);
      expect(slotsOf(ask)).toHaveLength(0);

      const offer = await session.say('на брови');
      expectOfferOn(offer, day, `times on ${day.toISODate()}`);
      expectSlotAt(offer, day, 12);
    });

    // Known gap: the date parser reads "dd.MM часов" as the clock time dd:MM and loses the date.
    it.skip('«можно на dd.MM часов в 10 утра» then «маникюрчик»: offers that date at 10', async () => {
      const day = furthestDay({ weekdays: SALON_DAYS.anna });
      const session = chat.session('dayfirst2');
      const ask = await session.say(`можно на ${ddMM(day)} часов в 10 утра`);
      expect(slotsOf(ask)).toHaveLength(0);

      const offer = await session.say('маникюрчик');
      expectOfferOn(offer, day, `times on ${day.toISODate()}`);
      expectSlotAt(offer, day, 10);
    });
  });

  describe('6. corrections', () => {
    it('«ой, не в <день>, а в <другой>» offers the other day', async () => {
      const days = upcomingDays({ weekdays: SALON_DAYS.maria });
      const [wrong, right] = [days[0], days[days.length - 1]];
      const session = chat.session('fix');
      const offer = await session.say(`хочу на окрашивание ${onWeekday(wrong)} в 11`);
      expectOfferOn(offer, wrong, 'an offer for the first day');

      const again = await session.say(`ой, не ${onWeekday(wrong)}, а ${onWeekday(right)}`);
      expectOfferOn(again, right, `times on ${right.toISODate()}`);
    });

    it('«ой нет перепутала не dd.MM а dd.MM» offers the corrected date', async () => {
      const days = upcomingDays({ weekdays: SALON_DAYS.anna });
      const [wrong, right] = [days[0], days[days.length - 1]];
      const session = chat.session('fix2');
      const offer = await session.say(`педикюр ${ddMM(wrong)} в 14 есть?`);
      expectOfferOn(offer, wrong, 'an offer for the first date');

      const again = await session.say(`ой нет перепутала не ${ddMM(wrong)} а ${ddMM(right)}`);
      expectOfferOn(again, right, `times on ${right.toISODate()}`);
    });
  });

  describe('7. nothing asked twice', () => {
    it.each([
      ['здравствуйте я ольга {phone} хочу записаться на маникюр', 'Маникюр', 'national'],
      ['добрый день это марина тел {phone}, можно на окрашивание', 'Окрашивание', 'spaced'],
    ] as const)('«%s»: name and phone are never asked for', async (first, service, format) => {
      const days = upcomingDays({ weekdays: SALON_DAYS.both });
      const day = days[days.length - 1];
      const phone = uniquePhone();
      const session = chat.session('once');
      const ask = await session.say(first.replace('{phone}', phone[format]));
      expect(ask.text).not.toMatch(ASKS_FOR_CONTACT);

      const offer = slotsOf(ask).length > 0 ? ask : await session.say(`${onWeekday(day)} после 15`);
      const [slot] = expectOffer(offer, 'an offer');
      const reply = await session.say(slot.label);
      await expectBooked(session, reply, service, slot.label);
      for (const message of await session.botMessages()) expect(message.text).not.toMatch(ASKS_FOR_CONTACT);
      expect((await session.contact())?.phone_e164).toBe(phone.e164);
    });
  });

  describe('8. a visit found by phone in a new chat', () => {
    async function bookedElsewhere() {
      const [day] = upcomingDays({ weekdays: SALON_DAYS.anna });
      const phone = uniquePhone();
      const first = chat.session('visit');
      const offer = await first.say(`запишите на педикюр ${onWeekday(day)} в 10`, { name: 'Ира', phone: phone.e164 });
      const [slot] = expectOffer(offer, 'an offer');
      expect((await first.say(slot.label)).text).toMatch(/вы записаны/i);
      const [visit] = await first.appointments('booked');
      return { phone, visit };
    }

    it.each([
      ['хочу отменить запись, мой номер {bare}', 'bare'],
      ['отмените пожалуйста мою запись на педикюр тел {dashed}', 'dashed'],
    ] as const)('«%s» asks to confirm cancelling that visit, then cancels it', async (text, format) => {
      const { phone, visit } = await bookedElsewhere();
      const session = chat.session('findvisit');
      const ask = await session.say(text.replace(`{${format}}`, phone[format]));
      expect(`${ask.text} ${ask.buttons.join(' ')}`).toMatch(/педикюр/i);
      expect(ask.text).toContain(visit.at.toFormat('HH:mm'));
      expect(ask.text).not.toMatch(/отменена/i);
      expect((await db.query('SELECT status FROM appointments WHERE id = $1', [visit.id])).rows[0].status).toBe(
        'booked',
      );

      const done = await session.say(ask.buttons.find((b) => /да/i.test(b)) ?? 'да');
      expect(done.text).toMatch(/отменена/i);
      expect((await db.query('SELECT status FROM appointments WHERE id = $1', [visit.id])).rows[0].status).toBe(
        'cancelled',
      );
    });
  });

  describe('9. phones in any common Russian format', () => {
    it.each(['bare', 'national', 'spaced', 'dashed'] as const)(
      'a %s number when the bot asks for it books the visit',
      async (format) => {
        const [day] = upcomingDays({ weekdays: SALON_DAYS.anna });
        const phone = uniquePhone();
        const session = chat.session('phone');
        const offer = await session.say(`хочу записаться на педикюр ${onWeekday(day)} в 11`);
        const [slot] = expectOffer(offer, 'an offer');
        const ask = await session.say(slot.label);
        expect(ask.text).toMatch(/телефон|номер/i);

        const reply = await session.say(`${phone[format]} аня`);
        await expectBooked(session, reply, 'Педикюр', slot.label);
        expect((await session.contact())?.phone_e164).toBe(phone.e164);
      },
    );
  });
});
