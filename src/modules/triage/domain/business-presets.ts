import type { Intent, TriageSlots } from './triage-result';

export type BusinessPresetName = 'salon' | 'clinic' | 'autoservice' | 'fitness' | 'education';

/** Replies of one business type, per intent. `{service}`, `{date}`, `{time}`, `{name}` come from the message. */
export interface BusinessPreset {
  name: BusinessPresetName;
  /** What the client books: "процедуру", "приём", "ремонт". */
  visitNoun: string;
  replies: Record<Exclude<Intent, 'spam'>, string>;
  /** Used instead of `replies.booking` when the service is already known. */
  bookingWithService: string;
}

const HANDOFF = 'Передаю ваш вопрос специалисту, он ответит в ближайшее время.';

const common = {
  cancel:
    'Поняла вас, отменяем запись{date_part}. Если захотите прийти в другой день — просто напишите, подберём удобное время.',
  reschedule: 'Конечно, перенесём{date_part}. Сейчас проверю свободные окна и предложу варианты.',
  human: 'Хорошо, подключаю администратора — он свяжется с вами в ближайшее время.',
  complaint:
    'Нам очень жаль, что так получилось. Передала ваше обращение управляющему, с вами свяжутся в ближайшее время и во всём разберутся.',
  other: 'Здравствуйте! Я помощник администратора. Подскажу по записи, ценам и адресу — напишите, что вас интересует.',
};

export const BUSINESS_PRESETS: Record<BusinessPresetName, BusinessPreset> = {
  salon: {
    name: 'salon',
    visitNoun: 'процедуру',
    replies: {
      ...common,
      booking: 'Здравствуйте! Подскажите, на какую услугу и на какое время вас записать?',
      price: 'Стоимость зависит от услуги и мастера. Напишите, что вас интересует, и я пришлю цены.',
      address:
        'Мы работаем ежедневно с 9:00 до 21:00. Точный адрес и как пройти пришлю сразу, как подключится администратор.',
      consultation: `Это лучше обсудить с мастером. ${HANDOFF}`,
    },
    bookingWithService:
      'Здравствуйте{name_part}! Записываю на {service}{date_part}{time_part}. Подберу свободное окно у мастера и пришлю подтверждение.',
  },
  clinic: {
    name: 'clinic',
    visitNoun: 'приём',
    replies: {
      ...common,
      booking: 'Здравствуйте! Подскажите, к какому специалисту и на какое время вас записать?',
      price: 'Стоимость приёма зависит от специалиста и услуги. Напишите, что вас интересует, и я пришлю цены.',
      address:
        'Клиника работает по будням с 8:00 до 20:00, в субботу с 9:00 до 15:00. Адрес и как добраться пришлю сразу.',
      consultation: `Медицинские вопросы лучше обсудить с врачом. ${HANDOFF} Если состояние резко ухудшилось — звоните 103.`,
    },
    bookingWithService:
      'Здравствуйте{name_part}! Записываю на приём: {service}{date_part}{time_part}. Проверю расписание врача и пришлю подтверждение.',
  },
  autoservice: {
    name: 'autoservice',
    visitNoun: 'ремонт',
    replies: {
      ...common,
      booking: 'Здравствуйте! Подскажите марку автомобиля, какие работы нужны и когда вам удобно приехать?',
      price: 'Стоимость зависит от марки авто и объёма работ. Напишите, что нужно сделать, и я сориентирую по цене.',
      address: 'Мы работаем ежедневно с 9:00 до 20:00. Адрес и как заехать пришлю сразу.',
      consultation: `Точно подскажет мастер-приёмщик. ${HANDOFF}`,
    },
    bookingWithService:
      'Здравствуйте{name_part}! Записываю на {service}{date_part}{time_part}. Проверю свободный подъёмник и пришлю подтверждение.',
  },
  fitness: {
    name: 'fitness',
    visitNoun: 'тренировку',
    replies: {
      ...common,
      booking: 'Здравствуйте! Подскажите, на какую тренировку и на какое время вас записать?',
      price: 'Есть разовые посещения и абонементы. Напишите, какой формат интересует, и я пришлю цены.',
      address: 'Студия работает ежедневно с 7:00 до 22:00. Адрес и как пройти пришлю сразу.',
      consultation: `Это лучше обсудить с тренером. ${HANDOFF}`,
    },
    bookingWithService:
      'Здравствуйте{name_part}! Записываю на {service}{date_part}{time_part}. Проверю расписание и пришлю подтверждение.',
  },
  education: {
    name: 'education',
    visitNoun: 'занятие',
    replies: {
      ...common,
      booking: 'Здравствуйте! Подскажите, какое направление интересует и сколько лет ученику?',
      price: 'Стоимость зависит от курса и формата занятий. Напишите, что интересует, и я пришлю цены.',
      address: 'Центр работает по будням с 10:00 до 20:00, в субботу с 10:00 до 16:00. Адрес пришлю сразу.',
      consultation: `Это лучше обсудить с педагогом. ${HANDOFF}`,
    },
    bookingWithService:
      'Здравствуйте{name_part}! Записываю на {service}{date_part}{time_part}. Проверю расписание группы и пришлю подтверждение.',
  },
};

/** The reply to a client message, or null when the message gets none (spam). */
export function replyFor(preset: BusinessPreset, intent: Intent, slots: TriageSlots): string | null {
  if (intent === 'spam') return null;
  const template = intent === 'booking' && slots.service ? preset.bookingWithService : preset.replies[intent];
  return template
    .replace('{service}', slots.service ?? preset.visitNoun)
    .replace('{name_part}', slots.name ? `, ${capitalize(slots.name)}` : '')
    .replace('{date_part}', slots.date ? ` ${slots.date}` : '')
    .replace('{time_part}', slots.time ? ` ${slots.time}` : '')
    .replace(/\s+([,.!?])/g, '$1');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
