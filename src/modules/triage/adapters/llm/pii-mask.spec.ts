import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseLabeledJsonl } from '../../domain/triage-metrics';
import { maskPhones, PHONE_PLACEHOLDER } from './pii-mask';

const digitsOf = (text: string) => text.replace(/\D/g, '');

describe('maskPhones', () => {
  it.each([
    ['перезвоните 8 (913) 047-66-21 после 6', 'перезвоните [телефон] после 6'],
    ['мой номер +7 902 914-33-20, Анна', 'мой номер [телефон], Анна'],
    ['Телефон: 89233456712\nИмя: Ольга', 'Телефон: [телефон]\nИмя: Ольга'],
    ['звоните на городской 271-40-18', 'звоните на городской [телефон]'],
    ['8-950-401-22-87 или +79029876543', '[телефон] или [телефон]'],
  ])('%j', (text, masked) => {
    expect(maskPhones(text)).toBe(masked);
  });

  it('keeps dates, times, prices and ages readable', () => {
    const text = 'запишите на 15.12.2024 в 10:30, сыну 7 лет, бюджет 2 500 руб, кабинет 12';
    expect(maskPhones(text)).toBe(text);
  });

  it('leaves no phone of the labelled corpus in the text', () => {
    const corpus = parseLabeledJsonl(
      readFileSync(path.resolve(__dirname, '../../../../../test/fixtures/triage-dev.jsonl'), 'utf8'),
    );
    const withPhones = corpus.filter((m) => m.slots.phone);
    expect(withPhones.length).toBeGreaterThan(10);
    for (const message of withPhones) {
      const masked = maskPhones(message.text);
      expect(masked).toContain(PHONE_PLACEHOLDER);
      expect(digitsOf(masked)).not.toContain(digitsOf(message.slots.phone!).slice(-7));
    }
  });
});
