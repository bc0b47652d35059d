/**
 * Every text the bot says, in one place: a key, a Russian and an English wording, and placeholders in braces. A
 * business overrides any Russian wording through the admin API (the override must keep the placeholders); the
 * English ones follow the Russian defaults.
 */
import type { Language } from '../triage-result';

export const REPLY_TEXTS = {
  greeting: {
    ru: 'Здравствуйте! Я помощник администратора: помогу записаться, подскажу цены и адрес. Что вас интересует?',
    en: 'Hello! I am the assistant of the front desk: I can book you in and tell you prices and the address. What would you like?',
  },
  clarify: {
    ru: 'Подскажите, пожалуйста, что вы хотите? Выберите вариант или напишите своими словами.',
    en: 'Could you tell me what you would like? Pick an option or write it in your own words.',
  },
  closing: { ru: 'Пожалуйста! Если что-то понадобится — пишите.', en: 'You are welcome! Write any time.' },
  closingBooked: {
    ru: 'Пожалуйста! Ждём вас {when}.',
    en: 'You are welcome! See you {when}.',
  },
  goodbye: { ru: 'До свидания! Будем рады вас видеть.', en: 'Goodbye! We will be glad to see you.' },
  askService: {
    ru: 'С удовольствием запишу! На какую услугу?',
    en: 'Happy to book you in! Which service would you like?',
  },
  whichService: {
    ru: 'Уточните, пожалуйста, какую именно: {options}?',
    en: 'Which one exactly: {options}?',
  },
  notOffered: {
    ru: 'К сожалению, такой услуги у нас нет. Можем предложить: {list}.',
    en: 'Sorry, we do not offer that. We can offer: {list}.',
  },
  askTime: {
    ru: 'Когда вам удобно прийти на {service}? Например: «завтра после 15» или «в субботу утром».',
    en: 'When would you like to come for {service}? For example: "tomorrow after 3 pm" or "Saturday morning".',
  },
  offer: {
    ru: 'Есть свободное время на {service}: {slots}. Выберите удобное.',
    en: 'Free times for {service}: {slots}. Please choose one.',
  },
  offerEarlier: {
    ru: 'Пораньше есть: {slots}.',
    en: 'Earlier we have: {slots}.',
  },
  offerLater: {
    ru: 'Попозже есть: {slots}.',
    en: 'Later we have: {slots}.',
  },
  noEarlier: {
    ru: 'Раньше в этот день свободного времени нет. Ближайшее: {slots}.',
    en: 'Nothing earlier that day. The nearest: {slots}.',
  },
  noLater: {
    ru: 'Позже в этот день свободного времени нет. Ближайшее: {slots}.',
    en: 'Nothing later that day. The nearest: {slots}.',
  },
  timePassed: {
    ru: 'Это время уже прошло. Ближайшее свободное на {service}: {slots}.',
    en: 'That time has already passed. The nearest free times for {service}: {slots}.',
  },
  closedThen: {
    ru: 'В это время мы не работаем ({hours}). Ближайшее свободное на {service}: {slots}.',
    en: 'We are closed at that time ({hours}). The nearest free times for {service}: {slots}.',
  },
  nobodyThatDay: {
    ru: '{day} {service} не делаем — в этот день нет мастера. Ближайшее свободное: {slots}.',
    en: 'Nobody does {service} {day}. The nearest free times: {slots}.',
  },
  allTaken: {
    ru: 'На это время всё занято. Ближайшее свободное на {service}: {slots}.',
    en: 'That time is fully booked. The nearest free times for {service}: {slots}.',
  },
  noSlotsSoon: {
    ru: 'К сожалению, в ближайшие две недели свободного времени на {service} нет. Администратор свяжется с вами и предложит варианты.',
    en: 'Sorry, there is no free time for {service} in the next two weeks. The front desk will contact you with options.',
  },
  slotTaken: {
    ru: 'Это время только что заняли.',
    en: 'That time has just been taken.',
  },
  askContact: {
    ru: 'Отлично, {slot}! Оставьте, пожалуйста, имя и номер телефона, чтобы мы могли связаться с вами.',
    en: 'Great, {slot}! Please leave your name and phone number so we can reach you.',
  },
  askPhoneAgain: {
    ru: 'Не вижу номера телефона. Напишите его, пожалуйста, например: +7 913 123-45-67.',
    en: 'I cannot see a phone number. Please write it, for example: +7 913 123-45-67.',
  },
  booked: {
    ru: 'Готово! Вы записаны на {service}: {when}{address}. Напомним за день и за час до визита.',
    en: 'Done! You are booked for {service}: {when}{address}. We will remind you a day and an hour before.',
  },
  moved: {
    ru: 'Готово, перенесли: {service}, {when}. Напомним за день и за час до визита.',
    en: 'Done, moved: {service}, {when}. We will remind you a day and an hour before.',
  },
  askCancel: {
    ru: 'Отменить запись: {service}, {when}?',
    en: 'Cancel your visit: {service}, {when}?',
  },
  cancelled: {
    ru: 'Запись отменена: {service}, {when}. Если захотите прийти в другой день — просто напишите.',
    en: 'Your visit is cancelled: {service}, {when}. Write to us whenever you want to come another day.',
  },
  draftDropped: {
    ru: 'Хорошо, не записываю. Если передумаете — просто напишите.',
    en: 'All right, I will not book it. Write any time if you change your mind.',
  },
  keepVisit: { ru: 'Хорошо, запись остаётся в силе. Ждём вас!', en: 'All right, your visit stays. See you!' },
  noVisits: {
    ru: 'Не нашла у вас предстоящих записей. Если вы записывались с другого номера, напишите его — я проверю.',
    en: 'I could not find an upcoming visit. If you booked with another phone number, write it and I will check.',
  },
  visitConfirmed: { ru: 'Спасибо, ждём вас: {service}, {when}!', en: 'Thank you, see you: {service}, {when}!' },
  prices: { ru: 'Цены: {list}.', en: 'Our prices are: {list}.' },
  priceUnknown: {
    ru: 'Стоимость {service} зависит от объёма работ — администратор подскажет точно.',
    en: 'The price of {service} depends on the work needed — the front desk will tell you exactly.',
  },
  servicesList: {
    ru: 'Вот что мы делаем: {list}. На что вас записать?',
    en: 'Here is what we offer: {list}. What would you like to book?',
  },
  address: { ru: 'Наш адрес: {address}.', en: 'Our address: {address}.' },
  addressUnknown: {
    ru: 'Точный адрес и как к нам пройти пришлёт администратор — я уже передала ему ваш вопрос.',
    en: 'The front desk will send you the exact address and directions — I have passed your question on.',
  },
  hours: { ru: 'Мы работаем: {hours}.', en: 'Opening hours: {hours}.' },
  handoff: {
    ru: 'Передаю ваш вопрос специалисту — он ответит вам здесь в ближайшее время.',
    en: 'I am passing your question to a specialist — they will answer you here shortly.',
  },
  handoffMedical: {
    ru: 'Такие вопросы лучше обсудить со специалистом — передаю ему ваше сообщение, он ответит здесь в ближайшее время. Если станет хуже — звоните 103.',
    en: 'This is best discussed with a specialist — I am passing your message on, they will answer here shortly. If you feel worse, call 103 or 112.',
  },
  handoffComplaint: {
    ru: 'Нам очень жаль, что так получилось. Передала ваше обращение управляющему — с вами свяжутся и во всём разберутся.',
    en: 'We are very sorry about this. I have passed your message to the manager — they will contact you and sort it out.',
  },
  handoffHuman: {
    ru: 'Хорошо, подключаю администратора — он ответит вам здесь в ближайшее время.',
    en: 'Sure, I am calling the front desk — they will answer you here shortly.',
  },
  afterHours: {
    ru: 'Сейчас мы не работаем — администратор ответит {when}.',
    en: 'We are closed now — the front desk will answer {when}.',
  },
  redFlag: {
    ru: 'Похоже, нужна срочная помощь: звоните 103 или 112 прямо сейчас. Ваше сообщение я передала врачу.',
    en: 'This sounds urgent: call 103 or 112 right now. I have passed your message to a doctor.',
  },
  symptomNoted: {
    ru: 'Поняла, отметила, что вас беспокоит, — врач увидит это до приёма. Если станет хуже, звоните 103.',
    en: 'Noted what is bothering you — the doctor will see it before the visit. If you feel worse, call 103 or 112.',
  },
  attachmentVoice: {
    ru: 'Спасибо! Я пока не слушаю голосовые — напишите, пожалуйста, вопрос текстом, и я отвечу сразу. Голосовое администратор тоже послушает.',
    en: 'Thank you! I cannot listen to voice messages yet — please write your question and I will answer right away.',
  },
  attachmentPhoto: {
    ru: 'Спасибо, фото получила — его посмотрит администратор и ответит вам здесь. Если есть вопрос, напишите его текстом.',
    en: 'Thank you, I got the photo — the front desk will look at it and answer here. If you have a question, please write it.',
  },
  attachmentSticker: {
    ru: 'Спасибо! Стикеры я пока не понимаю — напишите, пожалуйста, словами, чем помочь.',
    en: 'Thanks! I cannot read stickers yet — please write in words how I can help.',
  },
  attachmentLocation: {
    ru: 'Спасибо, геопозицию получила. Если нужно, как до нас добраться, — напишите текстом, я подскажу адрес; администратор тоже увидит ваше сообщение.',
    en: 'Thanks, I got your location. If you need directions, write to me and I will send the address; the front desk will see your message too.',
  },
  attachmentOther: {
    ru: 'Спасибо, файл получила — его посмотрит администратор. Если есть вопрос, напишите его текстом.',
    en: 'Thank you, I got the file — the front desk will look at it. If you have a question, please write it.',
  },
} as const;

export type ReplyKey = keyof typeof REPLY_TEXTS;
export type ReplyOverrides = Partial<Record<ReplyKey, string>>;

/** The placeholders a wording uses: an override must keep them all, and may not add others. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

/** The wording of `key` in `lang`, the business's override first (Russian only), with the values put in. */
export function say(
  key: ReplyKey,
  values: Record<string, string> = {},
  lang: Language = 'ru',
  overrides: ReplyOverrides = {},
): string {
  const template = (lang === 'ru' ? overrides[key] : undefined) ?? REPLY_TEXTS[key][lang];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}

/** Quick replies, by language. A press comes back as the label, which `menuChoice` reads. */
export const MENU = {
  book: { ru: 'Записаться', en: 'Book' },
  prices: { ru: 'Узнать цены', en: 'Prices' },
  address: { ru: 'Адрес и время работы', en: 'Address and hours' },
  cancel: { ru: 'Отменить запись', en: 'Cancel a visit' },
  reschedule: { ru: 'Перенести запись', en: 'Move a visit' },
  person: { ru: 'Позвать администратора', en: 'Talk to a person' },
  yesCancel: { ru: 'Да, отменить', en: 'Yes, cancel' },
  noKeep: { ru: 'Нет, оставить', en: 'No, keep it' },
} as const;
