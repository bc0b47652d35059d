import type { ClientDetail, ScenarioIntent } from './scenario-intents';

/** Business types an instance can be set up for; each brings its own wording. */
export const PRESET_NAMES = ['salon', 'clinic', 'autoservice', 'fitness', 'education'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetScenarios {
  /** What the client books ("процедуру", "приём"): said in place of {service} when the client named none. */
  visitNoun: string;
  /** The preset's reply per intent, written with the template variables ({date}, {name}...). */
  templates: Record<ScenarioIntent, string>;
}

/*
 * The preset replies of the triage module's business-presets.ts, written in the template language an agency
 * edits ("{date_part}" there is " {date}" here). The bot itself still answers from business-presets.ts while a
 * scenario is not customised; presets.spec.ts checks that both say the same words.
 */
const HANDOFF = 'Передаю ваш вопрос специалисту, он ответит в ближайшее время.';

const common = {
  cancel:
    'Поняла вас, отменяем запись {date}. Если захотите прийти в другой день — просто напишите, подберём удобное время.',
  reschedule: 'Конечно, перенесём {date}. Сейчас проверю свободные окна и предложу варианты.',
  human: 'Хорошо, подключаю администратора — он свяжется с вами в ближайшее время.',
  complaint:
    'Нам очень жаль, что так получилось. Передала ваше обращение управляющему, с вами свяжутся в ближайшее время и во всём разберутся.',
  other: 'Здравствуйте! Я помощник администратора. Подскажу по записи, ценам и адресу — напишите, что вас интересует.',
};

export const PRESET_SCENARIOS: Record<PresetName, PresetScenarios> = {
  salon: {
    visitNoun: 'процедуру',
    templates: {
      ...common,
      booking: 'Здравствуйте! Подскажите, на какую услугу и на какое время вас записать?',
      price: 'Стоимость зависит от услуги и мастера. Напишите, что вас интересует, и я пришлю цены.',
      address:
        'Мы работаем ежедневно с 9:00 до 21:00. Точный адрес и как пройти пришлю сразу, как подключится администратор.',
      consultation: `Это лучше обсудить с мастером. ${HANDOFF}`,
    },
  },
  clinic: {
    visitNoun: 'приём',
    templates: {
      ...common,
      booking: 'Здравствуйте! Подскажите, к какому специалисту и на какое время вас записать?',
      price: 'Стоимость приёма зависит от специалиста и услуги. Напишите, что вас интересует, и я пришлю цены.',
      address:
        'Клиника работает по будням с 8:00 до 20:00, в субботу с 9:00 до 15:00. Адрес и как добраться пришлю сразу.',
      consultation: `Медицинские вопросы лучше обсудить с врачом. ${HANDOFF} Если состояние резко ухудшилось — звоните 103.`,
    },
  },
  autoservice: {
    visitNoun: 'ремонт',
    templates: {
      ...common,
      booking: 'Здравствуйте! Подскажите марку автомобиля, какие работы нужны и когда вам удобно приехать?',
      price: 'Стоимость зависит от марки авто и объёма работ. Напишите, что нужно сделать, и я сориентирую по цене.',
      address: 'Мы работаем ежедневно с 9:00 до 20:00. Адрес и как заехать пришлю сразу.',
      consultation: `Точно подскажет мастер-приёмщик. ${HANDOFF}`,
    },
  },
  fitness: {
    visitNoun: 'тренировку',
    templates: {
      ...common,
      booking: 'Здравствуйте! Подскажите, на какую тренировку и на какое время вас записать?',
      price: 'Есть разовые посещения и абонементы. Напишите, какой формат интересует, и я пришлю цены.',
      address: 'Студия работает ежедневно с 7:00 до 22:00. Адрес и как пройти пришлю сразу.',
      consultation: `Это лучше обсудить с тренером. ${HANDOFF}`,
    },
  },
  education: {
    visitNoun: 'занятие',
    templates: {
      ...common,
      booking: 'Здравствуйте! Подскажите, какое направление интересует и сколько лет ученику?',
      price: 'Стоимость зависит от курса и формата занятий. Напишите, что интересует, и я пришлю цены.',
      address: 'Центр работает по будням с 10:00 до 20:00, в субботу с 10:00 до 16:00. Адрес пришлю сразу.',
      consultation: `Это лучше обсудить с педагогом. ${HANDOFF}`,
    },
  },
};

/** What the booking dialog collects before it books or moves a visit; other intents need nothing up front. */
export const DEFAULT_REQUIRED_DETAILS: Record<ScenarioIntent, ClientDetail[]> = {
  booking: ['service', 'date', 'time', 'phone'],
  reschedule: ['date', 'time'],
  cancel: [],
  price: [],
  address: [],
  consultation: [],
  human: [],
  complaint: [],
  other: [],
};

export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}
