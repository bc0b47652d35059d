import { nameWords, rankByName, sameWordStem } from './service-name-match';

const services = [
  'Маникюр',
  'Маникюр с покрытием',
  'Педикюр',
  'Стрижка женская',
  'Стрижка мужская',
  'Окрашивание',
  'Оформление бровей',
  'Приём терапевта',
  'Приём педиатра',
  'Замена тормозных колодок',
  'Замена масла',
  'Занятие с логопедом',
  'Английский язык',
  'Пробное занятие',
].map((name) => ({ name }));

const best = (query: string) => rankByName(services, query)[0]?.name ?? null;

describe('service names', () => {
  it('normalises to words without prepositions', () => {
    expect(nameWords('На  маникюр, с покрытием!')).toEqual(['маникюр', 'покрытием']);
    expect(nameWords('Приём ёлки')).toEqual(['прием', 'елки']);
  });

  it('sees the same word in another case, and different words as different', () => {
    expect(sameWordStem('маникюр', 'маникюра')).toBe(true);
    expect(sameWordStem('женская', 'женскую')).toBe(true);
    expect(sameWordStem('колодок', 'колодки')).toBe(true);
    expect(sameWordStem('йога', 'йогу')).toBe(true);
    expect(sameWordStem('педикюр', 'педиатр')).toBe(false);
    expect(sameWordStem('женская', 'мужская')).toBe(false);
  });

  it.each([
    ['маникюр', 'Маникюр'],
    ['маникюра', 'Маникюр'],
    ['МАНИКЮРЧИК', 'Маникюр'],
    ['на педикюр', 'Педикюр'],
    ['маникюр с покрытием', 'Маникюр с покрытием'],
    ['маникюр с покрытием гель-лаком', 'Маникюр с покрытием'],
    ['женскую стрижку', 'Стрижка женская'],
    ['мужская стрижка', 'Стрижка мужская'],
    ['окрашивания', 'Окрашивание'],
    ['брови', 'Оформление бровей'],
    ['терапевт', 'Приём терапевта'],
    ['к терапевту', 'Приём терапевта'],
    ['запись к педиатру', 'Приём педиатра'],
    ['замену колодок', 'Замена тормозных колодок'],
    ['замена масла', 'Замена масла'],
    ['логопед', 'Занятие с логопедом'],
    ['английский', 'Английский язык'],
    ['пробное занятие по английскому', 'Пробное занятие'],
  ])('%s → %s', (query, expected) => {
    expect(best(query)).toBe(expected);
  });

  it('lists every candidate of an ambiguous phrase', () => {
    expect(rankByName(services, 'стрижка').map((s) => s.name)).toEqual(['Стрижка женская', 'Стрижка мужская']);
  });

  it('finds nothing for unrelated or empty phrases', () => {
    expect(best('шиномонтаж')).toBeNull();
    expect(best('')).toBeNull();
    expect(best('на в к')).toBeNull();
  });
});
