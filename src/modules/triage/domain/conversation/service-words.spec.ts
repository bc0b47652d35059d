import { englishServiceName, russianServiceWords, russianTimeWords } from './service-words';

describe('English words for the Russian catalogue and date parser', () => {
  it('finds the services an English message names', () => {
    expect(russianServiceWords('can I get my nails done?')).toBe('маникюр');
    expect(russianServiceWords("a men's haircut please")).toContain('стрижка мужская');
    expect(russianServiceWords('how are you')).toBe('');
  });

  it('names catalogue services in English', () => {
    expect(englishServiceName('Стрижка женская')).toBe("women's haircut");
    expect(englishServiceName('Приём терапевта')).toBe('GP appointment');
    expect(englishServiceName('Татуаж')).toBe('Татуаж');
  });

  it.each([
    ['tomorrow at 6 pm', 'завтра в 18:00'],
    ['saturday at 11', 'в субботу в 11:00'],
    ['friday morning', 'в пятницу утром'],
    ['next week after 5pm', 'на следующей неделе после 17:00'],
    ['at 12 am', 'в 0:00'],
  ])('reads «%s» as «%s»', (english, russian) => {
    expect(russianTimeWords(english)).toBe(russian);
  });
});
