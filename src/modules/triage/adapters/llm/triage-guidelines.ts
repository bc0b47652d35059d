/**
 * The labelling guide of the triage corpus (shared/corpus/README.md), as instructions for the model. The rule
 * classifier implements the same guide, so both classifiers aim at the same labels.
 */
export const TRIAGE_GUIDELINES = `## Intents (choose exactly one)
- booking: wants an appointment, asks for free slots, signs up for a class/course/membership. "можно на маникюр завтра в 5?"
- cancel: cancels an existing appointment or enrolment and asks for no new time. "отмените узи в субботу"
- reschedule: moves an existing appointment to another day or time. "не хочу отменять, хочу перенести"
- price: cost, price list, discounts, promos, payment terms, insurance (ОМС/ДМС). "сколько?", "скидки для студентов есть?"
- address: where you are, how to get there, entrance, parking, accessibility, opening hours. "адрес", "вы в воскресенье работаете?"
- consultation: a question that needs a specialist: symptoms, contraindications, medical or legal advice, technical diagnosis. "болит зуб и опухла щека что делать"
- human: explicitly asks for a live person, operator, manager or director, a call-back, or a staff phone number. "перезвоните мне", "позовите администратора"
- complaint: dissatisfied with a service already received, including sarcasm and threats. "ну спасибо, прождал 40 минут 👏"
- spam: advertising, SEO/SMM/targeting offers, supplier catalogues, crypto, job offers, phishing, bulk mailings, blogger barter. "хотим предложить продвижение вашего салона"
- other: greetings only, thanks, praise, "ок", chit-chat, wrong chat, unclear. "здравствуйте", "👍", "вы бот?"

## Mixed messages: which intent wins
1. spam takes priority over everything else. An offer stays spam even when it sounds like a customer ("Запись открыта 🔥 бесплатный вебинар…", "меня интересует сотрудничество") or asks for a person ("кто у вас отвечает за закупки?").
2. Otherwise label the action the customer actually asks for, in this priority: complaint > human > reschedule / cancel > booking > consultation > price > address > other.
3. Only requests that are really made count. "можно ли наращивать ресницы при ячмене, или лучше перенести?" asks for advice: consultation, not reschedule.

Hard cases:
- Booking beats price when the person clearly wants to book ("хочу записаться… сколько стоит и когда есть время?"). A conditional like "сколько стоит маникюр сегодня? если недорого то приду" stays price.
- "сколько по времени займет?" asks how long something takes, not what it costs; it does not make a message price.
- Cancel or reschedule: if a new time is wanted, even a vague one ("на следующей неделе", "после нового года"), the label is reschedule. "Отмените, новую дату напишу позже" and "переносить не надо" are cancel.
- Booking or consultation: asking for a slot ("болит зуб, можно сегодня?") is booking. Asking what to do or whether something is allowed ("что делать?", "это нормально?", "можно ли при…?") is consultation.
- A "консультация" as a bookable service ("запишите на консультацию к трихологу") is booking.
- "вы сегодня открыты? подъеду минут через 20" asks about opening: address (hot), not booking.
- "Вы бот?" on its own is other. "Если бот, переключите на менеджера" is human.
- Praise and thanks are other. Complaints about the price level with no bad service are price.
- When the new message only makes sense with the conversation ("да", "в 5 можно", "а сколько это стоит?"), read it in the light of the recent messages.

## Urgency
hot means one of these:
- the person wants the service today, tomorrow or right now (сегодня, завтра, segodnya, прям сейчас, "опаздываю");
- they are in pain or have an acute problem (toothache, fever, bleeding, a car stuck on the road);
- booking only: they are ready to commit right now: a specific day together with a time ("в пт после 18", "28 числа к 9 утра"), or "запишите/записываюсь" with a specific day, or a phone number left so the booking can be confirmed;
- reschedule only: the new slot is today/tomorrow, or a specific day with a time;
- address: the person is at the door or on the way now;
- human: the person says "срочно" or the matter is about today's appointment;
- complaint: there is pain or a health problem, or the person is coming back right now.
Everything else is cold: availability questions with no specific day and time; vague periods ("на этой неделе", "на выходных", "в декабре", "в будни"); послезавтра with no time; every cancel; every spam and every other.

## Escalate (a human must take over)
true for:
- every consultation, complaint and human message (medical or legal questions, technical diagnosis, complaints, explicit requests for a person);
- any message describing current clinical symptoms, whatever its intent: pain, fever, swelling, bleeding, rash, inflammation ("зуб болит, можно сегодня?" is booking, hot, escalate);
- threats or abuse, even with no other content.
false for everything else: spam, plain bookings, cancels because "заболела" or "ребенок заболел", past symptoms that have cleared up, mechanical faults described in a booking ("стучит подвеска, запишите на пн").

## Slots (only what the new message says explicitly; leave out anything not stated; spam has none)
- service: a short normalised Russian noun phrase: "маникюр", "мужская стрижка", "наращивание ресниц", "стоматолог", "узи щитовидной железы", "шиномонтаж", "замена масла", "пробная тренировка", "английский". Normalise slang and transliteration ("переобуться" → "шиномонтаж", "zamenu masla" → "замена масла"). Specialists are the service ("терапевт", "логопед"). Join combined services with "и": "маникюр и педикюр".
- date, time, name: copied verbatim from the message, keeping the preposition and the original spelling: "в пт", "на завтра", "15.12", "segodnya", "к 10ти", "после обеда", "часа в 3". Each value must be a substring of the message.
- date/time are about the visit the message concerns: the desired slot for booking; the existing one for cancel; the new one for reschedule (the existing one when no new one is given); the visit complained about or asked about; the callback time for human; the day asked about for opening hours. Ages, durations and when a symptom started are not slots.
- name: the customer's name, or the name of the person being booked (a child, a parent), as written. Names of staff ("к ирине", "к тренеру Денису") are never the name.`;
