import { isNo, isYes, sameLabel, slotLabel, slotPhrase } from './dialog-replies';

const zone = 'Asia/Krasnoyarsk';
const friday5pm = new Date('2026-11-27T10:00:00Z'); // 17:00 in Krasnoyarsk (UTC+7)

describe('dialog replies', () => {
  it('labels a slot within 20 characters, in local time', () => {
    expect(slotLabel(friday5pm, zone)).toBe('пт 27.11, 17:00');
    expect(slotLabel(friday5pm, zone).length).toBeLessThanOrEqual(20);
    expect(slotPhrase(friday5pm, zone)).toBe('пятница, 27 ноября, 17:00');
  });

  it('recognises a pressed or retyped label', () => {
    expect(sameLabel('пт 27.11, 17:00', 'Пт 27.11, 17:00')).toBe(true);
    expect(sameLabel('пт 27.11, 17:00', 'пт 27.11 17:00')).toBe(true);
    expect(sameLabel('пт 27.11, 17:00', 'пт 27.11, 18:00')).toBe(false);
  });

  it('tells yes from no', () => {
    expect(isYes('Да, отменить')).toBe(true);
    expect(isYes('да')).toBe(true);
    expect(isYes('Подтверждаю')).toBe(true);
    expect(isNo('Нет, оставить')).toBe(true);
    expect(isNo('нет')).toBe(true);
    expect(isYes('нет')).toBe(false);
    expect(isNo('да')).toBe(false);
  });
});
