import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseLabeledJsonl } from './triage-metrics';
import { maskPersonalData, NAME_PLACEHOLDER, PHONE_PLACEHOLDER } from './personal-data-mask';

const digitsOf = (text: string) => text.replace(/\D/g, '');

describe('maskPersonalData', () => {
  it.each([
    ['перезвоните 8 (913) 047-66-21 после 6', 'перезвоните [телефон] после 6'],
    ['Телефон: 89233456712', 'Телефон: [телефон]'],
    ['звоните на городской 271-40-18', 'звоните на городской [телефон]'],
    ['8-950-401-22-87 или +79029876543', '[телефон] или [телефон]'],
  ])('masks every way of writing a phone: %j', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it.each([
    ['пишите на olga.petrova-85@mail.ru или Olga_P@yandex.ru', 'пишите на [email] или [email]'],
    ['почта: иван@почта.рф', 'почта: [email]'],
  ])('masks e-mails: %j', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it.each([
    ['меня зовут Ольга, хочу на маникюр', 'меня зовут [имя], хочу на маникюр'],
    ['я Катя, мой номер +7 902 914-33-20', 'я [имя], мой номер [телефон]'],
    ['Здравствуйте! Это Марина Кузнецова, запишите на чистку', 'Здравствуйте! Это [имя] [имя], запишите на чистку'],
    ['можно для Сергея и для марии на субботу?', 'можно для [имя] и для [имя] на субботу?'],
    ['хочу записаться. С уважением, Гульнара', 'хочу записаться. С уважением, [имя]'],
    ['Добрый день, беспокоит Ахмед по поводу ТО', 'Добрый день, беспокоит [имя] по поводу ТО'],
    ['Имя: Валерия\nТелефон: 89233456712', 'Имя: [имя]\nТелефон: [телефон]'],
    ['hi, my name is Olga', 'hi, my name is [имя]'],
    ['запишите Айгуль на стрижку, для Тимура тоже', 'запишите [имя] на стрижку, для [имя] тоже'],
    ['Ирина Сергеевна, перезвоните пожалуйста', '[имя] [имя], перезвоните пожалуйста'],
    ['передайте Зульфие Маратовне спасибо', 'передайте [имя] [имя] спасибо'],
  ])('masks names written in the text: %j', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('masks the names known for the client in any case form, even ones no dictionary holds', () => {
    expect(maskPersonalData('Запишите Снежану и Айгуль на субботу, Айгуль придёт позже', ['Айгуль Сафина'])).toBe(
      'Запишите [имя] и [имя] на субботу, [имя] придёт позже',
    );
    expect(maskPersonalData('это снова котик_88', ['котик_88'])).toBe('это снова [имя]_88');
  });

  it('keeps dates, times, prices, ages and everyday words readable', () => {
    const text =
      'запишите на 15.12.2024 в 10:30, сыну 7 лет, бюджет 2 500 руб, в любой день, марка машины киа, для жены и люди';
    expect(maskPersonalData(text)).toBe(text);
  });

  it('leaves no phone and no labelled name of the dev corpus in the text', () => {
    const corpus = parseLabeledJsonl(
      readFileSync(path.resolve(__dirname, '../../../../test/fixtures/triage-dev.jsonl'), 'utf8'),
    );
    const withPhones = corpus.filter((m) => m.slots.phone);
    const withNames = corpus.filter((m) => m.slots.name);
    expect(withPhones.length).toBeGreaterThan(10);
    expect(withNames.length).toBeGreaterThan(5);
    for (const message of withPhones) {
      const masked = maskPersonalData(message.text);
      expect(masked).toContain(PHONE_PLACEHOLDER);
      expect(digitsOf(masked)).not.toContain(digitsOf(message.slots.phone!).slice(-7));
    }
    for (const message of withNames) {
      const masked = maskPersonalData(message.text);
      expect({ text: message.text, masked }).toEqual({
        text: message.text,
        masked: expect.stringContaining(NAME_PLACEHOLDER),
      });
      expect(masked).not.toContain(message.slots.name!.split(/\s+/)[0]);
    }
  });
});
