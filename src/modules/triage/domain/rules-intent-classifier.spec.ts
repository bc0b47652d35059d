import { classifyMessage } from './rules-intent-classifier';
import { Intent } from './triage-result';

const intentOf = (text: string): Intent => classifyMessage(text).intent;

describe('classifyMessage', () => {
  describe('intents', () => {
    it.each<[Intent, string]>([
      ['booking', 'добрый день, хочу записаться на чистку лица в среду в 15:00'],
      ['booking', 'есть окошко на шугаринг на этой неделе?'],
      ['booking', 'мне бы на пилатес в группу для начинающих'],
      ['booking', 'запишите на консультацию к трихологу'],
      ['cancel', 'отменяйте мою тренировку в четверг, уезжаю в командировку'],
      ['cancel', 'Вынуждены отказаться от занятий, отчислите пожалуйста сына'],
      ['reschedule', 'можно перенести мой маникюр на субботу в 11?'],
      ['reschedule', 'я записана на завтра на окрашивание, а можно на послезавтра?'],
      ['price', 'почем абонемент на 3 месяца'],
      ['price', 'вы принимаете по дмс?'],
      ['address', 'а вы где находитесь? на какой остановке выходить'],
      ['address', 'в субботу работаете?'],
      ['consultation', 'можно ли после ботокса заниматься спортом?'],
      ['consultation', 'у машины свистит ремень при запуске, опасно ли ездить?'],
      ['human', 'можно поговорить с администратором?'],
      ['human', 'пусть мне перезвонит врач, у меня вопросы по анализам'],
      ['complaint', 'мастер опоздал на полчаса и даже не извинился'],
      ['complaint', 'покрытие слезло через три дня, хочу переделку бесплатно'],
      ['spam', 'Заработайте до 100 000 в месяц, работа на дому!'],
      ['spam', 'Здравствуйте! Предлагаем размещение рекламы на лифтах вашего района'],
      ['other', 'спасибо, до встречи!'],
      ['other', '👍'],
      ['other', 'вы бот?'],
    ])('%s: %s', (intent, text) => {
      expect(intentOf(text)).toBe(intent);
    });
  });

  describe('priority between intents', () => {
    it('spam wins even when the offer sounds like a customer or asks for a person', () => {
      expect(intentOf('Запись открыта! Бесплатный вебинар для владельцев салонов, ссылка в профиле')).toBe('spam');
      expect(intentOf('подскажите, кто у вас отвечает за закупки? хотим предложить расходники')).toBe('spam');
    });

    it('complaint beats human', () => {
      expect(intentOf('позовите менеджера, я хочу пожаловаться на мастера')).toBe('complaint');
    });

    it('a bot question alone is other, asking to switch to a person is human', () => {
      expect(intentOf('вы бот?')).toBe('other');
      expect(intentOf('вы бот? если да, переключите на менеджера')).toBe('human');
    });

    it('booking beats price when the person clearly wants to book', () => {
      expect(intentOf('сколько стоит маникюр и можно записаться на завтра?')).toBe('booking');
    });

    it('a conditional stays price', () => {
      expect(intentOf('если дешево то запишусь, сколько стоит педикюр?')).toBe('price');
    });

    it('"сколько по времени" is not a price question', () => {
      expect(intentOf('надо заменить ремень грм, сколько по времени займет?')).toBe('booking');
    });

    it('asking for a slot with a symptom is booking, asking what to do is consultation', () => {
      expect(intentOf('болит зуб, можно к врачу сегодня?')).toBe('booking');
      expect(intentOf('у ребенка температура 39 и болит ухо, что делать?')).toBe('consultation');
    });

    it('opening hours plus "I will drop by" is address', () => {
      expect(intentOf('вы сегодня открыты? подъеду минут через 10')).toBe('address');
    });
  });

  describe('negation and hypotheticals', () => {
    it('"не отменять, а перенести" is a reschedule', () => {
      expect(intentOf('не отменяйте пожалуйста, а перенесите на следующую неделю')).toBe('reschedule');
      expect(intentOf('не надо отменять, просто сдвиньте на полчаса')).toBe('reschedule');
    });

    it('"переносить не надо" and "новую дату напишу потом" are cancels', () => {
      expect(intentOf('отменяю запись на вторник, переносить не надо')).toBe('cancel');
      expect(intentOf('отменяю запись, новое время напишу потом')).toBe('cancel');
    });

    it('"can\'t come, let\'s do next week" is a reschedule', () => {
      expect(intentOf('не смогу в пятницу, давайте на следующей неделе')).toBe('reschedule');
    });

    it('"или лучше перенести?" asks for advice', () => {
      expect(intentOf('можно ли красить волосы при простуде, или лучше перенести?')).toBe('consultation');
    });

    it("a staff member's unpainful tooth is not a symptom", () => {
      const r = classifyMessage('хочу удалить зуб мудрости, он не болит, просто мешает. когда можно к хирургу?');
      expect(r.intent).toBe('booking');
      expect(r.escalate).toBe(false);
    });
  });

  describe('normalisation', () => {
    it('understands Latin transliteration', () => {
      expect(intentOf('zdravstvujte, mozhno zapisatsya na manikyur segodnya?')).toBe('booking');
      expect(intentOf('otmenite pozhaluysta zapis na zavtra')).toBe('cancel');
      expect(intentOf('skolko stoit pedikyur?')).toBe('price');
    });

    it('keeps transliterated slots verbatim', () => {
      const r = classifyMessage('zapishite menya na strizhku zavtra v 12');
      expect(r.slots).toMatchObject({ service: 'стрижка', date: 'zavtra', time: 'v 12' });
      expect(r.urgency).toBe('hot');
    });

    it('handles ё, capitals, emojis and common typos', () => {
      expect(intentOf('ЗАПИШИТЕ на педикюр в субботу 🙏💅')).toBe('booking');
      expect(intentOf('Здраствуйте хочу записатся на маникюр на пятницу')).toBe('booking');
      expect(intentOf('отмнените запись пожалуйста')).toBe('cancel');
      expect(intentOf('перенсите запись на завтра')).toBe('reschedule');
      expect(intentOf('Ещё раз: перенесите, пожалуйста, на чётверг')).toBe('reschedule');
    });

    it('copes with Latin look-alike letters inside Cyrillic words', () => {
      expect(intentOf('hочу записаться на стрижку')).toBe('booking');
    });
  });

  describe('urgency', () => {
    it('today, tomorrow or now is hot', () => {
      expect(classifyMessage('есть места на маникюр сегодня?').urgency).toBe('hot');
      expect(classifyMessage('сколько стоит шиномонтаж завтра?').urgency).toBe('hot');
    });

    it('a booking with a specific day and time is hot, vague periods are cold', () => {
      expect(classifyMessage('можно на йогу в четверг в 19:00?').urgency).toBe('hot');
      expect(classifyMessage('можно на йогу в четверг?').urgency).toBe('cold');
      expect(classifyMessage('хочу на маникюр на выходных').urgency).toBe('cold');
      expect(classifyMessage('запишите на массаж в пятницу').urgency).toBe('hot');
    });

    it('a booking with a phone number is hot', () => {
      expect(classifyMessage('запишите на развал, время любое, 8 923 111 22 33 Максим').urgency).toBe('hot');
    });

    it('every cancel, spam and other is cold', () => {
      expect(classifyMessage('отмените запись на сегодня в 6').urgency).toBe('cold');
      expect(classifyMessage('Срочно требуется администратор в салон, зп от 40000').urgency).toBe('cold');
      expect(classifyMessage('какая у вас погода сегодня?').urgency).toBe('cold');
    });

    it('a reschedule is hot only when the new slot is soon or specific', () => {
      expect(classifyMessage('можете сдвинуть мою тренировку на завтра?').urgency).toBe('hot');
      expect(classifyMessage('перенесите меня со среды на пятницу в 10:00').urgency).toBe('hot');
      expect(classifyMessage('не смогу завтра, давайте на следующей неделе').urgency).toBe('cold');
    });

    it('address is hot when the person is at the door', () => {
      expect(classifyMessage('стою у здания, где вход?').urgency).toBe('hot');
      expect(classifyMessage('где вы находитесь?').urgency).toBe('cold');
    });

    it('human is hot when urgent', () => {
      expect(classifyMessage('наберите меня срочно').urgency).toBe('hot');
      expect(classifyMessage('перезвоните мне').urgency).toBe('cold');
    });

    it('"не срочно" does not make anything hot', () => {
      expect(classifyMessage('запись к лору есть? не срочно').urgency).toBe('cold');
    });
  });

  describe('escalation', () => {
    it('consultation, complaint and human always escalate', () => {
      expect(classifyMessage('какой шампунь лучше после кератина?').escalate).toBe(true);
      expect(classifyMessage('вы мне поцарапали диск при шиномонтаже').escalate).toBe(true);
      expect(classifyMessage('оператор!!!').escalate).toBe(true);
    });

    it('current symptoms escalate whatever the intent', () => {
      const r = classifyMessage('зуб болит, можно сегодня?');
      expect(r).toMatchObject({ intent: 'booking', urgency: 'hot', escalate: true });
    });

    it('past or negated symptoms and mechanical faults do not escalate', () => {
      expect(classifyMessage('отменяю запись к терапевту, уже лучше себя чувствую').escalate).toBe(false);
      expect(classifyMessage('дочь заболела, отмените занятие').escalate).toBe(false);
      expect(classifyMessage('стучит подвеска, запишите на пн').escalate).toBe(false);
    });

    it('abuse escalates even as other; spam never escalates', () => {
      expect(classifyMessage('вы тупые там все')).toMatchObject({ intent: 'other', escalate: true });
      expect(classifyMessage('Кредиты и займы без отказа').escalate).toBe(false);
    });
  });

  describe('slots', () => {
    it('extracts phones verbatim in Russian formats', () => {
      for (const phone of ['+7 902 914-33-20', '8(391)271-40-18', '89233456712', '8 908 211 45 03', '+79029876543']) {
        expect(classifyMessage(`перезвоните пожалуйста ${phone}`).slots.phone).toBe(phone);
      }
    });

    it('extracts the customer name and never a staff name', () => {
      expect(classifyMessage('хочу на стрижку в субботу, меня зовут катя').slots.name).toBe('катя');
      expect(classifyMessage('Добрый день, это Анна, отмените запись на пятницу').slots.name).toBe('Анна');
      expect(classifyMessage('Имя: Валерия\nТелефон: 8-950-401-22-87\nКомментарий: маникюр в пт').slots.name).toBe(
        'Валерия',
      );
      expect(classifyMessage('а к ирине на окрашивание можно попасть 15.12?').slots.name).toBeUndefined();
      expect(classifyMessage('запишите к тренеру Денису на вторник').slots.name).toBeUndefined();
      expect(classifyMessage('Здравствуйте, Ирина, отмените мой визит в пятницу').slots.name).toBeUndefined();
      expect(classifyMessage('мастер ирина просто волшебница!').slots.name).toBeUndefined();
    });

    it('copies date and time verbatim with their prepositions', () => {
      expect(classifyMessage('можно к стоматологу в пт к 10ти?').slots).toMatchObject({ date: 'в пт', time: 'к 10ти' });
      expect(classifyMessage('запишите на брови на 20 декабря часа в 3').slots).toMatchObject({
        date: 'на 20 декабря',
        time: 'часа в 3',
      });
      expect(classifyMessage('хочу на маникюр 15.12 после обеда').slots).toMatchObject({
        date: '15.12',
        time: 'после обеда',
      });
    });

    it('does not take ages, counts or durations for times', () => {
      const r = classifyMessage('есть свободные окна на маникюр в четверг? в 4 руки, дочке 9 лет');
      expect(r.slots.time).toBeUndefined();
      expect(r.slots.date).toBe('в четверг');
    });

    it('takes the new slot of a reschedule', () => {
      const r = classifyMessage('перенос записи: шиномонтаж с 3 ноября на 5 ноября');
      expect(r.slots.date).toBe('на 5 ноября');
    });

    it('normalises services, joining several with "и"', () => {
      expect(classifyMessage('переобуться надо на зиму').slots.service).toBe('шиномонтаж');
      expect(classifyMessage('mne nuzhna zamena masla').slots.service).toBe('замена масла');
      expect(classifyMessage('есть окна на маникюр + педикюр?').slots.service).toBe('маникюр и педикюр');
      expect(classifyMessage('запишите к терапевту на завтра').slots.service).toBe('терапевт');
    });

    it('spam has no slots', () => {
      expect(classifyMessage('Сделаем сайт для вашей клиники, звоните 89131234567').slots).toEqual({});
    });
  });

  describe('confidence', () => {
    it('is between 0 and 1, high for a clear single intent and low when nothing matched', () => {
      const clear = classifyMessage('сколько стоит маникюр?').confidence;
      const unclear = classifyMessage('ммм').confidence;
      const mixed = classifyMessage('сколько стоит и где вы находитесь, можно записаться?').confidence;
      for (const c of [clear, unclear, mixed]) {
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
      }
      expect(clear).toBeGreaterThan(mixed);
      expect(mixed).toBeGreaterThan(unclear);
    });

    it('handles empty input', () => {
      expect(classifyMessage('')).toMatchObject({ intent: 'other', urgency: 'cold', escalate: false, slots: {} });
    });
  });
});
