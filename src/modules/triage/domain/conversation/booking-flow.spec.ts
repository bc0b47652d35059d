import { DateTime } from 'luxon';
import type { DialogState } from '../dialog-state';
import type { Intent, TriageResult } from '../triage-result';
import { converse, type Outcome, type Step, type UnderstoodMessage } from './booking-flow';
import type { ConversationFacts, DayHours, ServiceFact, SlotFact, VisitFact } from './conversation-facts';

const ZONE = 'Asia/Krasnoyarsk';
/** Wednesday 2 December 2026, 10:00 local. */
const NOW = DateTime.fromISO('2026-12-02T10:00', { zone: ZONE });

const MANICURE: ServiceFact = { id: 'svc-mani', name: 'Маникюр', priceRub: 1500 };
const PEDICURE: ServiceFact = { id: 'svc-pedi', name: 'Педикюр', priceRub: 2000 };
const WOMENS_CUT: ServiceFact = { id: 'svc-cut-w', name: 'Стрижка женская', priceRub: 1500 };
const MENS_CUT: ServiceFact = { id: 'svc-cut-m', name: 'Стрижка мужская', priceRub: 900 };
const SERVICES = [MANICURE, PEDICURE, WOMENS_CUT, MENS_CUT];
const MON_SAT: DayHours[] = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '09:00', end: '21:00' }));
const TUE_SUN: DayHours[] = [2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '21:00' }));

function triage(intents: Intent[], extra: Partial<TriageResult> = {}): TriageResult {
  return {
    intent: intents[0],
    intents,
    confidence: 0.9,
    urgency: 'cold',
    escalate: false,
    slots: {},
    lang: 'ru',
    ...extra,
  };
}

/** The facts a fresh salon gives: nothing named, nothing wanted, no phone known. */
function facts(extra: Partial<ConversationFacts> = {}): ConversationFacts {
  return {
    now: NOW.toISO()!,
    zone: ZONE,
    preset: 'salon',
    services: SERVICES,
    named: [],
    namesAService: false,
    wanted: null,
    serviceHours: { [MANICURE.id]: MON_SAT, [PEDICURE.id]: MON_SAT, [WOMENS_CUT.id]: TUE_SUN, [MENS_CUT.id]: TUE_SUN },
    contact: { name: null, phone: null },
    business: { address: 'ул. Мира, 10', hoursText: 'ежедневно 9:00–21:00', openNow: true, backAt: null },
    overrides: {},
    reminderButtons: { confirm: 'Подтверждаю', move: 'Перенести', cancel: 'Отменить' },
    ...extra,
  };
}

/** A day and an optional clock time, as the scheduling parser would read them. */
function wanted(day: string, clock?: string, options: { hasDay?: boolean } = {}): ConversationFacts['wanted'] {
  const date = DateTime.fromISO(day, { zone: ZONE });
  if (clock) {
    const [hour, minute] = clock.split(':').map(Number);
    const at = date.set({ hour, minute }).toISO()!;
    return { spans: [{ from: at, to: at, exact: true }], hasDay: options.hasDay ?? true, hasTime: true };
  }
  return {
    spans: [{ from: date.set({ hour: 9 }).toISO()!, to: date.set({ hour: 21 }).toISO()!, exact: false }],
    hasDay: true,
    hasTime: false,
  };
}

interface World {
  /** Local "yyyy-MM-dd HH:mm" starts that are taken. */
  busy?: string[];
  visits?: VisitFact[];
}

/** Free half-hour slots inside the windows on the days the service is worked, like the scheduling module. */
function freeSlots(serviceId: string, windows: Array<{ from: string; to: string }>, world: World): SlotFact[] {
  const hours = facts().serviceHours[serviceId] ?? [];
  const out: SlotFact[] = [];
  for (const window of windows) {
    let at = DateTime.fromISO(window.from, { zone: ZONE });
    const minute = at.minute % 30;
    if (minute !== 0 || at.second !== 0) at = at.plus({ minutes: 30 - minute }).startOf('minute');
    const end = DateTime.fromISO(window.to, { zone: ZONE });
    for (; at < end; at = at.plus({ minutes: 30 })) {
      if (at < NOW.plus({ minutes: 30 })) continue;
      const day = hours.find((h) => h.weekday === at.weekday);
      if (!day || at.toFormat('HH:mm') < day.start || at.toFormat('HH:mm') >= day.end) continue;
      if (world.busy?.includes(at.toFormat('yyyy-MM-dd HH:mm'))) continue;
      out.push({ staffId: 'anna', startsAt: at.toUTC().toISO()!, holdId: `hold-${at.toFormat('ddHHmm')}` });
    }
  }
  return out;
}

/** Runs the flow, answering its requests for facts as the application would. */
function say(
  state: DialogState,
  text: string,
  understood: TriageResult,
  given: Partial<ConversationFacts> = {},
  world: World = {},
  attachment?: UnderstoodMessage['attachment'],
): Outcome {
  let current = facts(given);
  for (let round = 0; round < 8; round += 1) {
    const step: Step = converse(state, { text, triage: understood, attachment }, current);
    if ('outcome' in step) return step.outcome;
    const need = step.need;
    if (need.kind === 'visits') current = { ...current, visits: world.visits ?? [] };
    else {
      const all = freeSlots(need.serviceId, need.windows, world);
      const found = need.take === 'last' ? all.slice(-need.limit) : all.slice(0, need.limit);
      current = { ...current, searches: { ...current.searches, [need.key]: found } };
    }
  }
  throw new Error('the flow did not settle');
}

const localTimes = (outcome: Outcome): string[] =>
  outcome.state.booking!.offered!.map((s) => DateTime.fromISO(s.startsAt, { zone: ZONE }).toFormat('ccc HH:mm'));

describe('the booking flow', () => {
  describe('collecting the booking', () => {
    it('asks for the service first and keeps the day and time already given', () => {
      const asked = say({}, 'запишите в пятницу в 12', triage(['booking']), { wanted: wanted('2026-12-04', '12:00') });
      expect(asked.text).toMatch(/На какую услугу/);
      expect(asked.buttons).toContain('Маникюр');
      const offer = say(asked.state, 'маникюр', triage(['other']), { named: [MANICURE], namesAService: true });
      expect(localTimes(offer)).toEqual(['Fri 12:00', 'Fri 12:30', 'Fri 13:00']);
      expect(offer.text).toMatch(/на маникюр/);
    });

    it('asks when, then offers three free times on the day named', () => {
      const asked = say({}, 'хочу на педикюр', triage(['booking']), { named: [PEDICURE], namesAService: true });
      expect(asked.text).toMatch(/Когда вам удобно прийти на педикюр/);
      const offer = say(asked.state, 'в пятницу к шести', triage(['other']), { wanted: wanted('2026-12-04', '18:00') });
      expect(offer.buttons).toHaveLength(3);
      expect(offer.buttons[0]).toBe('пт 04.12, 18:00');
    });

    it('asks which one when the service name fits several, keeping the wanted time', () => {
      const asked = say({}, 'хочу на стрижку в субботу в 11', triage(['booking']), {
        named: [WOMENS_CUT, MENS_CUT],
        namesAService: true,
        wanted: wanted('2026-12-05', '11:00'),
      });
      expect(asked.text).toMatch(/женская стрижка или мужская стрижка/);
      const offer = say(asked.state, 'Стрижка женская', triage(['other']), { named: [WOMENS_CUT, MENS_CUT] });
      expect(localTimes(offer)[0]).toBe('Sat 11:00');
      expect(offer.text).toMatch(/на женскую стрижку/);
    });

    it('says a service is not offered and lists what is', () => {
      const reply = say({}, 'сделайте татуаж бровей', triage(['booking'], { slots: { service: 'татуаж' } }), {
        namesAService: true,
      });
      expect(reply.text).toMatch(/такой услуги у нас нет/);
      expect(reply.text).toMatch(/маникюр, педикюр/);
    });
  });

  describe('reading follow-ups against the offer', () => {
    const offered = (): Outcome =>
      say({}, 'маникюр в пятницу к шести', triage(['booking']), {
        named: [MANICURE],
        wanted: wanted('2026-12-04', '18:00'),
      });

    it('offers earlier times the same day for "а можно чуть раньше?"', () => {
      const earlier = say(offered().state, 'а можно чуть раньше?', triage(['booking']));
      expect(localTimes(earlier)).toEqual(['Fri 16:30', 'Fri 17:00', 'Fri 17:30']);
      expect(earlier.text).toMatch(/Пораньше/);
    });

    it('offers later times the same day for "попозже"', () => {
      const later = say(offered().state, 'а попозже есть?', triage(['other']));
      expect(localTimes(later)).toEqual(['Fri 19:30', 'Fri 20:00', 'Fri 20:30']);
    });

    it('picks an offered time by its position', () => {
      const picked = say(offered().state, 'давайте последний', triage(['other']));
      expect(picked.text).toMatch(/пт 04.12, 19:00/);
      expect(picked.state.booking?.awaiting).toBe('contact');
    });

    it('picks an offered time typed out', () => {
      const picked = say(offered().state, 'на 18:30 пожалуйста', triage(['booking']));
      expect(picked.state.booking?.chosen?.label).toBe('пт 04.12, 18:30');
    });

    it('books at once when the phone came before the slot', () => {
      const phone = '+7 913 123-45-67';
      const first = say(
        {},
        `маникюр в пятницу к шести, мой номер ${phone}`,
        triage(['booking'], { slots: { phone } }),
        {
          named: [MANICURE],
          wanted: wanted('2026-12-04', '18:00'),
        },
      );
      // The application saved the phone on the contact when it read it.
      const booked = say(first.state, first.buttons[1], triage(['other']), { contact: { name: null, phone } });
      expect(booked.effects).toContainEqual(expect.objectContaining({ kind: 'book', serviceId: MANICURE.id }));
      expect(booked.text).toMatch(/Вы записаны на маникюр: пятница, 4 декабря, 18:30, ул. Мира, 10/);
    });

    it('asks for the phone once and books when it comes', () => {
      const picked = say(offered().state, 'пт 04.12, 18:00', triage(['other']));
      expect(picked.text).toMatch(/номер телефона/);
      const again = say(picked.state, 'катя', triage(['other']));
      expect(again.text).toMatch(/Не вижу номера/);
      const booked = say(again.state, '9131234567', triage(['other'], { slots: { phone: '9131234567' } }));
      expect(booked.leadStatus).toBe('booked');
    });

    it('changes the service and keeps the day and time', () => {
      const switched = say(offered().state, 'нет, лучше педикюр', triage(['booking']), { named: [PEDICURE] });
      expect(switched.text).toMatch(/на педикюр/);
      expect(localTimes(switched)[0]).toBe('Fri 18:00');
      expect(switched.effects).toContainEqual({ kind: 'release-holds' });
    });

    it('takes a correction of the day and keeps the clock time', () => {
      const corrected = say(offered().state, 'ой, не в пятницу, а в субботу', triage(['booking']), {
        wanted: wanted('2026-12-05'),
      });
      expect(localTimes(corrected)[0]).toBe('Sat 18:00');
    });

    it('offers the same time on another day', () => {
      const sameTime = say(offered().state, 'а в субботу в это же время?', triage(['booking']), {
        wanted: wanted('2026-12-05'),
      });
      expect(localTimes(sameTime)[0]).toBe('Sat 18:00');
    });

    it('offers others when the slot was taken at the last moment', () => {
      const contact = { name: null, phone: '+79131234567' };
      const first = say({}, 'маникюр в пятницу к шести', triage(['booking']), {
        named: [MANICURE],
        wanted: wanted('2026-12-04', '18:00'),
        contact,
      });
      const taken = first.state.booking!.offered![0].startsAt;
      const retry = say(
        first.state,
        first.buttons[0],
        triage(['other']),
        { taken, contact },
        { busy: ['2026-12-04 18:00'] },
      );
      expect(retry.text).toMatch(/только что заняли/);
      expect(localTimes(retry)).not.toContain('Fri 18:00');
    });
  });

  describe('saying why a time is not possible', () => {
    it('says the time has passed and offers the nearest', () => {
      const reply = say({}, 'маникюр сегодня в 8 утра', triage(['booking']), {
        named: [MANICURE],
        wanted: wanted('2026-12-02', '08:00'),
      });
      expect(reply.text).toMatch(/уже прошло/);
      expect(reply.buttons[0]).toBe('ср 02.12, 10:30');
    });

    it('says nobody does the service that day', () => {
      const reply = say({}, 'маникюр в воскресенье', triage(['booking']), {
        named: [MANICURE],
        wanted: wanted('2026-12-06'),
      });
      expect(reply.text).toMatch(/В воскресенье маникюр не делаем/);
      expect(reply.buttons[0]).toBe('пн 07.12, 09:00');
    });

    it('says when the business is closed at the time asked', () => {
      const reply = say({}, 'маникюр в пятницу в 22', triage(['booking']), {
        named: [MANICURE],
        wanted: wanted('2026-12-04', '22:00'),
      });
      expect(reply.text).toMatch(/не работаем \(09:00–21:00\)/);
    });

    it('says it is all taken when it is', () => {
      const busy = ['18:00', '18:30', '19:00', '19:30', '20:00', '20:30'].map((t) => `2026-12-04 ${t}`);
      const reply = say(
        {},
        'маникюр в пятницу в 18',
        triage(['booking']),
        { named: [MANICURE], wanted: wanted('2026-12-04', '18:00') },
        { busy },
      );
      expect(reply.text).toMatch(/всё занято/);
    });
  });

  describe('visits', () => {
    const visit: VisitFact = {
      id: 'ap-1',
      serviceId: MANICURE.id,
      serviceName: 'Маникюр',
      startsAt: DateTime.fromISO('2026-12-04T15:00', { zone: ZONE }).toUTC().toISO()!,
    };

    it('asks to confirm a cancellation, then cancels', () => {
      const asked = say({}, 'отмените запись', triage(['cancel']), {}, { visits: [visit] });
      expect(asked.text).toMatch(/Отменить запись: маникюр, пятница, 4 декабря, 15:00/);
      expect(asked.buttons).toEqual(['Да, отменить', 'Нет, оставить']);
      const done = say(asked.state, 'да', triage(['other']), {}, { visits: [visit] });
      expect(done.effects).toContainEqual({ kind: 'cancel', appointmentId: 'ap-1' });
      expect(done.leadStatus).toBe('cancelled');
    });

    it('keeps the visit on a no', () => {
      const asked = say({}, 'отмените запись', triage(['cancel']), {}, { visits: [visit] });
      const kept = say(asked.state, 'нет, оставьте', triage(['other']), {}, { visits: [visit] });
      expect(kept.effects).toEqual([]);
      expect(kept.text).toMatch(/остаётся в силе/);
    });

    it('asks for the phone of the booking when no visit is found', () => {
      expect(say({}, 'хочу отменить запись', triage(['cancel'])).text).toMatch(/с другого номера/);
    });

    it('moves a visit to the same time on another day', () => {
      const offer = say(
        {},
        'перенесите на понедельник в то же время',
        triage(['reschedule']),
        {
          wanted: wanted('2026-12-07'),
        },
        { visits: [visit] },
      );
      expect(localTimes(offer)[0]).toBe('Mon 15:00');
      const moved = say(offer.state, offer.buttons[0], triage(['other']), {}, { visits: [visit] });
      expect(moved.effects).toContainEqual(expect.objectContaining({ kind: 'reschedule', appointmentId: 'ap-1' }));
      expect(moved.text).toMatch(/перенесли/);
    });

    it('confirms a visit from the reminder button', () => {
      const reply = say({}, 'Подтверждаю', triage(['other']), {}, { visits: [visit] });
      expect(reply.text).toMatch(/ждём вас: маникюр/);
    });
  });

  describe('answers', () => {
    it('answers a price and the hours in one reply', () => {
      const reply = say({}, 'почём маникюр и педикюр, и вы до скольки работаете?', triage(['price', 'address']), {
        named: [MANICURE, PEDICURE],
      });
      expect(reply.text).toMatch(/маникюр — 1\s500 ₽/);
      expect(reply.text).toMatch(/педикюр — 2\s000 ₽/);
      expect(reply.text).toMatch(/9:00–21:00/);
    });

    it('answers price and address and goes on with the booking', () => {
      const reply = say({}, 'хочу на маникюр, сколько стоит и где вы', triage(['booking', 'price', 'address']), {
        named: [MANICURE],
      });
      expect(reply.text).toMatch(/1\s500 ₽.*ул. Мира, 10.*Когда вам удобно/);
    });

    it('lists the services with prices', () => {
      const reply = say({}, 'а что у вас есть?', triage(['other']));
      expect(reply.text).toMatch(/Вот что мы делаем: маникюр — 1\s500 ₽; педикюр/);
    });

    it('says an administrator will send the address when none is set, and alerts one', () => {
      const reply = say({}, 'где вы находитесь', triage(['address']), {
        business: { address: null, hoursText: null, openNow: true, backAt: null },
      });
      expect(reply.text).toMatch(/пришлёт администратор/);
      expect(reply.effects).toContainEqual({ kind: 'alert', about: 'address-missing' });
    });

    it('closes after a booking with a thank-you, not the greeting', () => {
      const state: DialogState = { lastVisit: { service: 'Маникюр', startsAt: '2026-12-04T11:00:00.000Z' } };
      expect(say(state, 'спасибо большое!', triage(['other'])).text).toMatch(/Ждём вас пятница, 4 декабря/);
      expect(say({}, 'до свидания', triage(['other'])).text).toMatch(/До свидания/);
    });

    it('answers in English', () => {
      const reply = say({}, 'can I get my nails done on friday at 6 pm?', triage(['booking'], { lang: 'en' }), {
        named: [MANICURE],
        wanted: wanted('2026-12-04', '18:00'),
      });
      expect(reply.text).toMatch(/^Free times for manicure: Fri 04\.12, 18:00/);
    });

    it('asks a short question with buttons when unsure', () => {
      const reply = say(
        {},
        'ну так что',
        triage(['price'], { confidence: 0.2, clarify: ['price', 'booking', 'address'] }),
      );
      expect(reply.text).toMatch(/что вы хотите\?/);
      expect(reply.buttons).toEqual(['Узнать цены', 'Записаться', 'Адрес и время работы']);
    });

    it('greets with the menu', () => {
      expect(say({}, 'здравствуйте', triage(['other'])).buttons).toEqual([
        'Записаться',
        'Узнать цены',
        'Адрес и время работы',
      ]);
    });
  });

  describe('safety', () => {
    it('hands over in the middle of a booking, before any booking step', () => {
      const offer = say({}, 'маникюр в пятницу к шести', triage(['booking']), {
        named: [MANICURE],
        wanted: wanted('2026-12-04', '18:00'),
      });
      const handed = say(
        offer.state,
        'у меня экзема на руках, можно ли делать маникюр?',
        triage(['consultation'], { escalate: true, escalation: 'medical' }),
      );
      expect(handed.effects).toEqual([{ kind: 'release-holds' }, { kind: 'hand-off', reason: 'medical' }]);
      expect(handed.state.booking).toBeUndefined();
      expect(handed.text).toMatch(/специалист/);
    });

    it('tells the client to call 103 or 112 on a red flag', () => {
      const reply = say(
        {},
        'у ребенка температура 39.5 и он вялый',
        triage(['booking'], { escalate: true, escalation: 'red_flag', redFlag: true }),
        { preset: 'clinic' },
      );
      expect(reply.text).toMatch(/103 или 112/);
      expect(reply.effects).toContainEqual({ kind: 'hand-off', reason: 'red_flag' });
    });

    it('books an ordinary symptom at a clinic and tells a manager', () => {
      const reply = say(
        {},
        'болит горло, можно к терапевту завтра?',
        triage(['booking'], { escalate: true, escalation: 'symptom' }),
        { preset: 'clinic', named: [MANICURE], wanted: wanted('2026-12-03') },
      );
      expect(reply.effects).toContainEqual({ kind: 'alert', about: 'symptom' });
      expect(reply.effects.some((e) => e.kind === 'hand-off')).toBe(false);
      expect(reply.buttons).toHaveLength(3);
    });

    it('tells the client when a person will answer outside business hours', () => {
      const reply = say({}, 'позовите администратора', triage(['human'], { escalate: true, escalation: 'human' }), {
        business: { address: null, hoursText: null, openNow: false, backAt: 'завтра в 9:00' },
      });
      expect(reply.text).toMatch(/администратор ответит завтра в 9:00/);
    });

    it.each([
      ['voice', /текстом/, false],
      ['photo', /фото получила/, true],
      ['sticker', /напишите, пожалуйста, словами/, false],
      ['location', /геопозицию получила/, false],
    ] as const)('answers a %s sensibly', (kind, pattern, handedOff) => {
      const reply = say({}, '', triage(['other']), {}, {}, kind);
      expect(reply.text).toMatch(pattern);
      expect(reply.effects.some((e) => e.kind === 'hand-off')).toBe(handedOff);
    });
  });
});

describe('the booking flow against a context-free intent', () => {
  it('reads "а попозже?" as a change of the offer even when the model says reschedule', () => {
    const offer = say({}, 'маникюр в пятницу к шести', triage(['booking']), {
      named: [MANICURE],
      wanted: wanted('2026-12-04', '18:00'),
    });
    const later = say(offer.state, 'а попозже?', triage(['reschedule']));
    expect(localTimes(later)).toEqual(['Fri 19:30', 'Fri 20:00', 'Fri 20:30']);
  });
});

describe('the booking flow when the model hears a move with nothing to move', () => {
  it('books when no visit exists and the message names a service and a day', () => {
    const reply = say({}, 'на педикюр в пятницу после 16 можно?', triage(['reschedule']), {
      named: [PEDICURE],
      wanted: wanted('2026-12-04', '16:00'),
    });
    expect(reply.buttons[0]).toBe('пт 04.12, 16:00');
    expect(reply.intent).toBe('booking');
  });
});

describe('the booking flow when the model guesses a complaint in a correction', () => {
  const offer = (): Outcome =>
    say({}, 'маникюр в пятницу к шести', triage(['booking']), {
      named: [MANICURE],
      wanted: wanted('2026-12-04', '18:00'),
    });

  it('reads a new day given while times are on offer as a correction, not a complaint', () => {
    const guessed = triage(['complaint'], {
      confidence: 0.47,
      escalate: true,
      escalation: 'complaint',
      escalationGuessed: true,
    });
    const corrected = say(offer().state, 'ой нет перепутала не пятница а суббота', guessed, {
      wanted: wanted('2026-12-05'),
    });
    expect(localTimes(corrected)[0]).toBe('Sat 18:00');
    expect(corrected.effects.some((e) => e.kind === 'hand-off')).toBe(false);
  });

  it('still hands over a complaint said in words', () => {
    const said = triage(['complaint'], { confidence: 0.47, escalate: true, escalation: 'complaint' });
    const handed = say(offer().state, 'ужас, хамство, перенесите на субботу', said, { wanted: wanted('2026-12-05') });
    expect(handed.effects).toContainEqual({ kind: 'hand-off', reason: 'complaint' });
  });
});

describe('the booking flow when the model is unsure a person is needed', () => {
  it('asks what the client wants, with a person one button away, instead of handing over', () => {
    const guessed = triage(['consultation'], {
      confidence: 0.51,
      escalate: true,
      escalation: 'consultation',
      escalationGuessed: true,
    });
    const reply = say({}, 'хмм а можно узнать кое что', guessed);
    expect(reply.effects).toEqual([]);
    expect(reply.buttons).toContain('Позвать администратора');
  });
});
