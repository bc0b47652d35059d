import { MAX_TEXT_BYTES, instagramMessages, splitText } from './instagram.payloads';

describe('Instagram message bodies', () => {
  it('plain text to the IGSID', () => {
    expect(instagramMessages('551', 'Стоимость 1500 ₽', [])).toEqual([
      { recipient: { id: '551' }, message: { text: 'Стоимость 1500 ₽' } },
    ]);
  });

  it('buttons as quick replies with the label as payload', () => {
    expect(instagramMessages('551', 'Когда удобно?', ['Сегодня', 'Завтра'])).toEqual([
      {
        recipient: { id: '551' },
        message: {
          text: 'Когда удобно?',
          quick_replies: [
            { content_type: 'text', title: 'Сегодня', payload: 'Сегодня' },
            { content_type: 'text', title: 'Завтра', payload: 'Завтра' },
          ],
        },
      },
    ]);
  });

  it('labels over 20 characters or more than 13: numbered lines instead', () => {
    const [long] = instagramMessages('551', 'Что интересует?', ['Консультация косметолога']);
    expect(long).toEqual({
      recipient: { id: '551' },
      message: { text: 'Что интересует?\n\n1. Консультация косметолога' },
    });
    const [many] = instagramMessages(
      '551',
      'Время?',
      Array.from({ length: 14 }, (_, i) => `${i + 8}:00`),
    );
    expect(many.message).not.toHaveProperty('quick_replies');
  });

  it('a reply over 1000 bytes goes as several parts at word boundaries, quick replies on the last', () => {
    const text = 'Слово '.repeat(300).trim(); // 300 words of 11 bytes
    const parts = instagramMessages('551', text, ['Да']);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      const message = part.message as { text: string };
      expect(Buffer.byteLength(message.text)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
      expect(message.text).toMatch(/^Слово( Слово)*$/);
    }
    expect(parts.map((p) => (p.message as { text: string }).text).join(' ')).toBe(text);
    expect(parts.at(-1)!.message).toHaveProperty('quick_replies');
    expect(parts[0].message).not.toHaveProperty('quick_replies');
  });

  it('splitText never cuts a character, even without spaces', () => {
    const text = '😀'.repeat(600);
    const parts = splitText(text, MAX_TEXT_BYTES);
    expect(parts.join('')).toBe(text);
    expect(parts.every((p) => Buffer.byteLength(p) <= MAX_TEXT_BYTES)).toBe(true);
  });
});
